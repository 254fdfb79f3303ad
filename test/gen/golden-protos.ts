// The .proto files of the generator tests and how their golden output is generated.
import { join } from "node:path";
import { generateFiles, loadProtos, type GeneratedFile } from "../../src/gen/index.js";
import { projectRoot } from "../project-root.js";

/** test/gen/protos, the include directory of the test .proto files. */
export const PROTO_DIR = join(projectRoot(), "test/gen/protos");
/** test/gen/golden, where their generated modules are kept (and compiled with the tests). */
export const GOLDEN_DIR = join(projectRoot(), "test/gen/golden");
/** The test .proto files, by import name. */
export const GOLDEN_PROTOS = ["demo/v1/shapes.proto", "demo/v1/older.proto", "nopkg.proto", "legacy.proto"];
/** Golden code imports tsgrpc from the sources, relative to test/gen/golden. */
export const GOLDEN_RUNTIME = "../../../src/index.js";

/** Generates the golden modules afresh. */
export function generateGolden(): GeneratedFile[] {
  const { root, files, requested } = loadProtos(
    GOLDEN_PROTOS.map((name) => join(PROTO_DIR, name)),
    [PROTO_DIR],
  );
  return generateFiles(root, files, requested, { runtimeImport: GOLDEN_RUNTIME });
}
