// Where the grpc.testing protos live. They are found from the project root, which is searched
// upwards from this compiled file, so the harness works from dist/bench/ and .build/NAME/bench/ alike.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest folder above this file that holds package.json. */
function findProjectRoot(): string {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder) throw new Error("bench: no package.json above the benchmark files");
  }
}

/** The project's root folder. */
export const PROJECT_ROOT = findProjectRoot();

/** The include directory holding grpc/testing/{empty,messages,test}.proto. */
export const PROTO_INCLUDE_DIR = join(PROJECT_ROOT, "interop", "proto");

/** The absolute path of the file that defines grpc.testing.TestService. */
export const TEST_PROTO = join(PROTO_INCLUDE_DIR, "grpc", "testing", "test.proto");

/** Zero-filled payload bodies, one per size, shared by all calls (as a real service would cache them). */
const bodies = new Map<number, Buffer>();

/** A zero-filled Buffer of `size` bytes, allocated once per size. */
export function zeroBody(size: number): Buffer {
  let body = bodies.get(size);
  if (body === undefined) bodies.set(size, (body = Buffer.alloc(size)));
  return body;
}
