// The source tree as the architecture tests read it: its files, and the package each belongs to.
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (from dist/test/architecture/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The library's sources. */
export const SRC = join(ROOT, "src");

/** Packages that hold sub-packages: a file below them belongs to "<package>/<sub>". */
const NESTED = new Set(["http2"]);

/** Every .ts file below `dir`, depth first. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The package of a file under src/: its first folder ("status"), "http2/client" for a nested one, "." at the top. */
export function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  if (parts.length === 1) return ".";
  if (NESTED.has(parts[0] ?? "") && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0] ?? ".";
}
