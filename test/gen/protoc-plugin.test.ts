// protoc-gen-tsgrpc through the real protoc: the same output as `tsgrpc gen`, and an embedded
// FileDescriptorProto that says what protoc's own descriptor says.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { runPlugin } from "../../src/gen/index.js";
import { GrpcError } from "../../src/index.js";
import { projectRoot } from "../project-root.js";
import { file_demo_v1_shapes } from "./golden/demo/v1/shapes_pb.js";
import { GOLDEN_PROTOS, GOLDEN_RUNTIME, PROTO_DIR, generateGolden } from "./golden-protos.js";

const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

describe("gen: protoc-gen-tsgrpc", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-protoc-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("run by protoc, writes exactly what tsgrpc gen writes", function () {
    if (!hasProtoc) this.skip();
    const plugin = join(dir, "protoc-gen-tsgrpc");
    writeFileSync(plugin, `#!/bin/sh\nexec "${process.execPath}" "${join(projectRoot(), "dist/src/cli/protoc-gen-tsgrpc.js")}"\n`);
    chmodSync(plugin, 0o755);
    execFileSync(
      "protoc",
      [
        `--plugin=protoc-gen-tsgrpc=${plugin}`,
        `--tsgrpc_out=${dir}`,
        `--tsgrpc_opt=runtime_import=${GOLDEN_RUNTIME}`,
        "-I",
        PROTO_DIR,
        ...GOLDEN_PROTOS,
      ],
      { encoding: "utf8" },
    );
    for (const file of generateGolden()) expect(readFileSync(join(dir, file.path), "utf8"), file.path).to.equal(file.content);
  });

  it("embeds a FileDescriptorProto with the structure protoc gives the same file", function () {
    if (!hasProtoc) this.skip();
    const out = join(dir, "set.pb");
    execFileSync("protoc", ["-I", PROTO_DIR, `--descriptor_set_out=${out}`, "demo/v1/shapes.proto"]);
    const set = descriptor.FileDescriptorSet.toObject(descriptor.FileDescriptorSet.decode(readFileSync(out))) as { file: object[] };
    const theirs = set.file[0] as { [key: string]: unknown };
    const ours = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(file_demo_v1_shapes)) as {
      [key: string]: unknown;
    };
    // Strip what ours leaves out on purpose: options, json names.
    const strip = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(strip);
      if (value === null || typeof value !== "object") return value;
      const out: { [key: string]: unknown } = {};
      for (const [key, item] of Object.entries(value)) {
        if (key === "jsonName" || (key === "options" && !("mapEntry" in (item as object)) && !("packed" in (item as object)))) continue;
        out[key] = strip(item);
      }
      return out;
    };
    expect(strip(ours)).to.deep.equal(strip(theirs));
  });

  it("answers bad input with the response's error field, not a crash", () => {
    const response = runPlugin(Uint8Array.of(0x12, 0x05, 0x6e, 0x6f, 0x70, 0x65, 0x3d)); // parameter "nope="
    expect(response[0]).to.equal(0x0a);
    expect(new TextDecoder().decode(response.subarray(2))).to.match(/unknown plugin option/);
    expect(() => runPlugin(Uint8Array.of(0x0a, 0x10))).not.to.throw(GrpcError);
  });
});
