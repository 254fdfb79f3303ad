// Every ```ts block of docs/WEB.md compiles as a user's file would, against the README's greeter.proto.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFiles, loadProtos } from "../../src/gen/index.js";
import { projectRoot } from "../project-root.js";
import { describeTypescriptBlocks } from "./markdown-blocks.js";

const ROOT = projectRoot();

/** The README's greeter.proto, generated into `folder`/gen for the blocks that import ./gen/greeter_pb.js. */
function generateGreeter(folder: string): void {
  const proto = /^```proto\n([\s\S]*?)^```$/m.exec(readFileSync(join(ROOT, "README.md"), "utf8"))?.[1];
  if (proto === undefined) throw new Error("README.md has no proto block to generate greeter_pb.ts from");
  writeFileSync(join(folder, "greeter.proto"), proto);
  const { root, files, requested } = loadProtos([join(folder, "greeter.proto")], [folder]);
  for (const file of generateFiles(root, files, requested)) {
    mkdirSync(dirname(join(folder, "gen", file.path)), { recursive: true });
    writeFileSync(join(folder, "gen", file.path), file.content);
  }
}

describe("docs/WEB.md", () => {
  describeTypescriptBlocks(join(ROOT, "dist", "web-doc-blocks"), [join(ROOT, "docs", "WEB.md")], generateGreeter);
});
