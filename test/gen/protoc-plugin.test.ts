// protoc-gen-tsgrpc through the real protoc: the same output as `tsgrpc gen`, and an embedded
// FileDescriptorProto that says what protoc's own descriptor says.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { runPlugin } from "../../src/gen/index.js";
import { withoutSourceCodeInfo } from "../../src/gen/root-from-descriptors.js";
import { GrpcError } from "../../src/index.js";
import { projectRoot } from "../project-root.js";
import { filesOfSet } from "./protoc-set.js";
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

  it("embeds protoc's own FileDescriptorProto, source_code_info dropped, byte for byte", function () {
    if (!hasProtoc) this.skip();
    const plugin = join(dir, "protoc-gen-tsgrpc");
    writeFileSync(plugin, `#!/bin/sh\nexec "${process.execPath}" "${join(projectRoot(), "dist/src/cli/protoc-gen-tsgrpc.js")}"\n`);
    chmodSync(plugin, 0o755);
    const out = join(dir, "set.pb");
    const protos = ["options/v1/everything.proto"];
    execFileSync("protoc", [
      `--plugin=protoc-gen-tsgrpc=${plugin}`,
      `--tsgrpc_out=${dir}`,
      "-I",
      PROTO_DIR,
      `--descriptor_set_out=${out}`,
      ...protos,
    ]);
    const generated = readFileSync(join(dir, "options/v1/everything_pb.ts"), "utf8");
    const base64 = /export const file_options_v1_everything: Uint8Array = bytesFromBase64\(\n([\s\S]*?),\n\);/.exec(generated)![1]!;
    const embedded = Buffer.from(base64.replace(/"\s*\+\s*"/g, "").replace(/^\s*"|"\s*$/g, ""), "base64");
    const theirs = filesOfSet(readFileSync(out)).get("options/v1/everything.proto")!;
    expect(embedded.equals(theirs)).to.equal(true);
    expect((descriptor.FileDescriptorProto.decode(embedded) as { sourceCodeInfo?: unknown }).sourceCodeInfo).to.equal(null);
  });

  it("withoutSourceCodeInfo drops field 9 and keeps every other byte", () => {
    // name "a" (1), source_code_info {} (9), package "p" (2)
    const bytes = Uint8Array.of(0x0a, 0x01, 0x61, 0x4a, 0x02, 0x0a, 0x00, 0x12, 0x01, 0x70);
    expect([...withoutSourceCodeInfo(bytes)]).to.deep.equal([0x0a, 0x01, 0x61, 0x12, 0x01, 0x70]);
    const none = Uint8Array.of(0x0a, 0x01, 0x61);
    expect(withoutSourceCodeInfo(none)).to.equal(none);
  });

  it("answers bad input with the response's error field, not a crash", () => {
    const response = runPlugin(Uint8Array.of(0x12, 0x05, 0x6e, 0x6f, 0x70, 0x65, 0x3d)); // parameter "nope="
    expect(response[0]).to.equal(0x0a);
    expect(new TextDecoder().decode(response.subarray(2))).to.match(/unknown plugin option/);
    expect(() => runPlugin(Uint8Array.of(0x0a, 0x10))).not.to.throw(GrpcError);
  });
});
