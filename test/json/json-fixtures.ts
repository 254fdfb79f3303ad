// The descriptors the JSON tests run on: test/json/protos compiled by protoc (the Debian
// protobuf-compiler), so the registry reads the same FileDescriptorProtos other tools produce.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BinaryReader } from "../../src/protobuf/index.js";
import { TypeRegistry } from "../../src/descriptor/index.js";
import { projectRoot } from "../project-root.js";

/** The test protos, by import name under test/json/protos. */
export const TEST_PROTOS = ["json_test.proto", "json_test2.proto"];

export interface CompiledProtos {
  /** The FileDescriptorSet protoc wrote (imports included), serialized. */
  readonly set: Uint8Array;
  /** Its files, each a serialized FileDescriptorProto, dependencies first. */
  readonly files: Uint8Array[];
}

let compiled: CompiledProtos | undefined;

/** Compiles the test protos once with protoc --include_imports. */
export function compileTestProtos(): CompiledProtos {
  if (compiled !== undefined) return compiled;
  const root = projectRoot();
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-json-"));
  try {
    const out = join(dir, "set.pb");
    execFileSync(
      "protoc",
      [
        `-I${join(root, "test/json/protos")}`,
        `-I${join(root, "proto")}`,
        "--include_imports",
        `--descriptor_set_out=${out}`,
        ...TEST_PROTOS,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const set = new Uint8Array(readFileSync(out));
    compiled = { set, files: filesOfSet(set) };
    return compiled;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The serialized FileDescriptorProtos of a serialized FileDescriptorSet (field 1, repeated). */
export function filesOfSet(set: Uint8Array): Uint8Array[] {
  const reader = new BinaryReader(set);
  const files: Uint8Array[] = [];
  while (reader.pos < set.length) {
    const tag = reader.tag();
    if (tag === 10) files.push(reader.bytes().slice());
    else reader.skip(tag);
  }
  return files;
}

/** A registry of the compiled test protos. */
export function testRegistry(): TypeRegistry {
  return TypeRegistry.fromFiles(compileTestProtos().files);
}
