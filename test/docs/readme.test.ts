// Every ```ts block of README.md compiles as a user's file would (strict and the stricter flags).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFiles, loadProtos } from "../../src/gen/index.js";
import { projectRoot } from "../project-root.js";
import { describeTypescriptBlocks } from "./markdown-blocks.js";

const README = join(projectRoot(), "README.md");

/** The README's greeter.proto, generated as `tsgrpc gen --out gen greeter.proto` would, for the blocks that import ./gen/greeter_pb.js. */
function generateReadmeProto(folder: string): void {
  const proto = /^```proto\n([\s\S]*?)^```$/m.exec(readFileSync(README, "utf8"))?.[1];
  if (proto === undefined) return;
  writeFileSync(join(folder, "greeter.proto"), proto);
  const { root, files, requested } = loadProtos([join(folder, "greeter.proto")], [folder]);
  for (const file of generateFiles(root, files, requested)) {
    mkdirSync(dirname(join(folder, "gen", file.path)), { recursive: true });
    writeFileSync(join(folder, "gen", file.path), file.content);
  }
}

describe("README.md", () => {
  describeTypescriptBlocks(join(projectRoot(), "dist", "readme-blocks"), [README], generateReadmeProto);
});
