import protoLoader from "@grpc/proto-loader";
import grpc from "@grpc/grpc-js";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project root: the nearest folder above this compiled file that holds package.json.
 * Walking up works from dist/interop/grpc-js/ and from .build/NAME/interop/grpc-js/ alike
 * (the two trees sit at different depths).
 */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "interop", "proto"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no project root (package.json + interop/proto) above ${start}`);
  }
}

/** Our own wire-compatible protos; the matrix passes the official ones with --proto_root. */
export const DEFAULT_PROTO_ROOT = join(PROJECT_ROOT, "interop", "proto");

/** The test certificates committed in interop/certs (test-only). */
export const DEFAULT_CERTS_DIR = join(PROJECT_ROOT, "interop", "certs");

/** The grpc.testing services as grpc-js constructors, loaded from `protoRoot`/grpc/testing/test.proto. */
export interface TestingPackage {
  TestService: grpc.ServiceClientConstructor;
  UnimplementedService: grpc.ServiceClientConstructor;
}

/**
 * Loads grpc/testing/test.proto (and its imports) below `protoRoot`.
 *
 * keepCase keeps the proto field names (response_size, not responseSize) so the code reads like
 * the spec; defaults stay off so an unset BoolValue is `undefined`, which the compression cases need.
 */
export async function loadTestingPackage(protoRoot = DEFAULT_PROTO_ROOT): Promise<TestingPackage> {
  const definition = await protoLoader.load("grpc/testing/test.proto", {
    includeDirs: [protoRoot],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { testing: TestingPackage } };
  return loaded.grpc.testing;
}
