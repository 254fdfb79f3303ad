// protoc's FileDescriptorSet, split into each file's FileDescriptorProto bytes exactly as protoc
// wrote them (decoding and re-encoding would drop the custom options, unknown fields to protobufjs).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BinaryReader } from "../../src/protobuf/index.js";
import { FileDescriptorProto } from "../../src/wkt/index.js";
import { projectRoot } from "../project-root.js";

/** Whether protoc (Debian protobuf-compiler) is installed. */
export const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

/** Each file of a serialized FileDescriptorSet by name, its bytes as they are in the set. */
export function filesOfSet(set: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const reader = new BinaryReader(set);
  while (reader.pos < set.length) {
    const tag = reader.tag();
    if (tag !== 10) {
      reader.skip(tag);
      continue;
    }
    const bytes = reader.bytes();
    files.set(FileDescriptorProto.decode(bytes).name ?? "", bytes);
  }
  return files;
}

/**
 * `protoc --include_imports --descriptor_set_out` of `protos` (import names under `includeDir`,
 * the bundled proto/ folder added for the well-known types), split by file.
 */
export function protocDescriptors(includeDir: string, protos: readonly string[]): Map<string, Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-protoc-set-"));
  try {
    const out = join(dir, "set.pb");
    execFileSync(
      "protoc",
      ["-I", includeDir, "-I", join(projectRoot(), "proto"), "--include_imports", `--descriptor_set_out=${out}`, ...protos],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    return filesOfSet(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
