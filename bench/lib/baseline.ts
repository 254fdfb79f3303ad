// BENCH_BASELINE=<git ref>: a second build of tsgrpc, from another commit, that the harness runs as
// a fifth implementation ("baseline") next to the working tree's build ("tsgrpc"), in the same
// interleaved rounds. The baseline is the ref's src/ compiled with the working tree's benchmark
// harness (bench/tsgrpc, bench/lib), so only the library differs between the two columns.
// Builds are kept per commit in bench/.build/baseline/<commit>/.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./proto.js";

/** A built baseline: the commit it was built from and the folder its compiled files live in. */
export interface Baseline {
  readonly ref: string;
  readonly commit: string;
  /** The compiled bench/ folder of the baseline build (holds tsgrpc/server.js and tsgrpc/client.js). */
  readonly benchFolder: string;
}

const git = (...args: string[]) => execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();

/**
 * Builds `ref` into bench/.build/baseline/<commit>/ unless that build exists: `git archive` of the
 * ref's src/, interop/proto and package.json, this tree's bench/tsgrpc and bench/lib, the shared
 * node_modules, and tsc. Throws with git's or tsc's message when the ref or the build fails.
 */
export function buildBaseline(ref: string): Baseline {
  let commit: string;
  try {
    commit = git("rev-parse", "--verify", `${ref}^{commit}`);
  } catch {
    throw new Error(`bench: BENCH_BASELINE ${JSON.stringify(ref)} is not a commit of this repository`);
  }
  const folder = join(PROJECT_ROOT, "bench", ".build", "baseline", commit);
  const benchFolder = join(folder, "dist", "bench");
  const done = join(folder, "built.stamp");
  if (existsSync(done)) return { ref, commit, benchFolder };
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const archive = execFileSync("git", ["archive", "--format=tar", commit, "src", "interop/proto", "package.json"], {
    cwd: PROJECT_ROOT,
    maxBuffer: 1 << 30,
  });
  execFileSync("tar", ["-x", "-C", folder], { input: archive });
  for (const part of ["tsgrpc", "lib"])
    cpSync(join(PROJECT_ROOT, "bench", part), join(folder, "bench", part), { recursive: true, filter: (path) => !path.endsWith(".js") });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(folder, "node_modules"), "dir");
  const compilerOptions = {
    target: "ES2022",
    lib: ["ES2022"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: true,
    rootDir: ".",
    outDir: "dist",
    types: ["node"],
  };
  writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src", "bench"] }, null, 2));
  console.error(`bench: building baseline ${ref} (${commit.slice(0, 10)}) into ${folder}`);
  try {
    execFileSync(process.execPath, [join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", folder], {
      cwd: folder,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    // tsc still writes JavaScript when some file has a type error: judge by the output files.
    const output = String((error as { stdout?: Buffer }).stdout ?? "").slice(0, 2000);
    if (!existsSync(join(benchFolder, "tsgrpc", "server.js")) || !existsSync(join(benchFolder, "tsgrpc", "client.js")))
      throw new Error(`bench: the baseline ${ref} does not build: ${output}`);
    console.error(`bench: the baseline ${ref} built with type errors (the harness may not match it): ${output}`);
  }
  writeFileSync(done, `${commit}\n`);
  return { ref, commit, benchFolder };
}
