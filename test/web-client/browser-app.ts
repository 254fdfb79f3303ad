// What the browser-app tests share: code generated for tsgrpc/web, and an esbuild bundle of a
// page for the browser that resolves tsgrpc/web and tsgrpc/web/json to the built library.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { type BuildResult, build } from "esbuild";
import { projectRoot } from "../project-root.js";

const ROOT = projectRoot();

/** Generates examples/helloworld's greeter_pb.ts into `outDir` with `--runtime-import tsgrpc/web`. */
export function generateGreeterForWeb(outDir: string): void {
  const run = spawnSync(
    process.execPath,
    [
      "dist/src/cli/main.js",
      "gen",
      "--out",
      outDir,
      "--runtime-import",
      "tsgrpc/web",
      "-I",
      "examples/helloworld",
      "examples/helloworld/greeter.proto",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(run.status, run.stderr).to.equal(0);
}

/** Bundles `entry` for the browser as one IIFE (its exports on the global `app`), in memory. */
export async function bundleForBrowser(
  entry: string,
  options: { minify?: boolean } = {},
): Promise<BuildResult<{ write: false; metafile: true }>> {
  return build({
    entryPoints: [entry],
    bundle: true,
    minify: options.minify ?? false,
    platform: "browser",
    format: "iife",
    globalName: "app",
    write: false,
    metafile: true,
    logLevel: "silent",
    alias: {
      "tsgrpc/web/json": join(ROOT, "dist/src/web-client/json.js"),
      "tsgrpc/web": join(ROOT, "dist/src/web-client/index.js"),
    },
  });
}
