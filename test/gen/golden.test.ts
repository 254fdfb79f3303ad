// Golden tests: the generator's output for test/gen/protos and for the bundled well-known types
// is exactly what is committed. After an intended change of the output, rewrite the files with
//   npm run build:all && TSGRPC_UPDATE_GOLDEN=1 npx mocha dist/test/gen/golden.test.js
// (or `npm run gen:wkt` for src/wkt) and review the diff.
import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFiles, loadProtos, type GeneratedFile } from "../../src/gen/index.js";
import { projectRoot } from "../project-root.js";
import { GOLDEN_DIR, generateGolden } from "./golden-protos.js";

const update = process.env.TSGRPC_UPDATE_GOLDEN === "1";

function compare(generated: GeneratedFile[], dir: string, label: string): void {
  for (const file of generated) {
    it(`${file.path} matches ${label}`, () => {
      const path = join(dir, file.path);
      if (update) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.content);
        return;
      }
      expect(existsSync(path), `${path} is missing: regenerate the golden files`).to.equal(true);
      expect(file.content, `${label}/${file.path} is out of date`).to.equal(readFileSync(path, "utf8"));
    });
  }
}

describe("gen: golden output", () => {
  compare(generateGolden(), GOLDEN_DIR, "test/gen/golden");
});

describe("gen: the bundled well-known types (src/wkt) are the generator's output", () => {
  const protoDir = join(projectRoot(), "proto");
  const names = ["any", "api", "descriptor", "duration", "empty", "field_mask", "source_context", "struct", "timestamp", "type", "wrappers"]
    .map((name) => `google/protobuf/${name}.proto`)
    .concat(["google/rpc/error_details.proto", "google/rpc/status.proto"]);
  const { root, files, requested } = loadProtos(
    names.map((name) => join(protoDir, name)),
    [protoDir],
  );
  compare(generateFiles(root, files, requested, { runtimeImport: "../protobuf/index.js" }), join(projectRoot(), "src/wkt"), "src/wkt");
});
