// Writes src/http2/package-version.ts from package.json's version, so the user-agent always names
// the version being built. Runs before every build (npm run build, build:all) and from
// `npm version` (which then stages the file). Leaves the file alone when it is already right.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`write-version: unexpected version ${JSON.stringify(version)}`);

const file = join(root, "src", "http2", "package-version.ts");
const text = `// Generated from package.json by scripts/write-version.mjs before every build; do not edit.

/** The version tsgrpc reports in \`user-agent\`: package.json's version, written in at build time. */
export const TSGRPC_VERSION = ${JSON.stringify(version)};
`;
let current;
try {
  current = readFileSync(file, "utf8");
} catch {
  current = undefined;
}
if (current !== text) writeFileSync(file, text);
