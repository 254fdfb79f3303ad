// The FileDescriptorProtos tsgrpc builds from .proto files (tsgrpc gen, the protoc plugin,
// loadService) are protoc's own, byte for byte: json_name on every field, every option (standard
// and custom), public and weak imports, map entries where they were declared. source_code_info is
// left out, as protoc does without --include_source_info.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadProtos } from "../../src/gen/index.js";
import { loadService } from "../../src/index.js";
import { encodeFileDescriptor, topLevelOf } from "../../src/service/index.js";
import { FileDescriptorProto } from "../../src/wkt/index.js";
import { projectRoot } from "../project-root.js";
import { PROTO_DIR } from "./golden-protos.js";
import { hasProtoc, protocDescriptors } from "./protoc-set.js";

const root = projectRoot();
const WKT = ["any", "api", "descriptor", "duration", "empty", "field_mask", "source_context", "struct", "timestamp", "type", "wrappers"]
  .map((name) => `google/protobuf/${name}.proto`)
  .concat(["google/rpc/status.proto", "google/rpc/error_details.proto"]);
const GRPC = ["grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"];
const INTEROP = ["empty", "messages", "test"].map((name) => `grpc/testing/${name}.proto`);
const OPTIONS = ["options/v1/custom.proto", "options/v1/everything.proto", "options/v3/proto3.proto"];

/** Sets of .proto files: include directory, files, and where their committed generated modules are (if they are). */
const SETS: { label: string; dir: string; protos: string[]; modules?: string }[] = [
  { label: "well-known types and google.rpc", dir: "proto", protos: WKT, modules: "src/wkt" },
  { label: "grpc health and reflection", dir: "proto", protos: GRPC, modules: "src" },
  { label: "interop grpc.testing", dir: "interop/proto", protos: INTEROP, modules: "src/interop/gen" },
  { label: "examples/helloworld", dir: "examples/helloworld", protos: ["greeter.proto"], modules: "examples/helloworld" },
  { label: "examples/route-guide", dir: "examples/route-guide", protos: ["route_guide.proto"], modules: "examples/route-guide" },
  {
    label: "test/gen golden protos",
    dir: "test/gen/protos",
    protos: ["demo/v1/shapes.proto", "demo/v1/older.proto", "nopkg.proto", "legacy.proto"],
    modules: "test/gen/golden",
  },
  { label: "every option kind, custom options, proto2 and proto3", dir: "test/gen/protos", protos: OPTIONS },
  { label: "the web tests' service", dir: "test/web/protos", protos: ["webtest.proto"], modules: "test/web/gen" },
  { label: "the codec benchmark", dir: "bench/codec", protos: ["bench.proto"], modules: "bench/codec/gen" },
];

/** The FileDescriptorProto a committed generated module embeds (`file_... = bytesFromBase64(...)`). */
function embeddedIn(path: string): Uint8Array | undefined {
  const source = readFileSync(path, "utf8");
  const match = /export const file_\w+: Uint8Array = bytesFromBase64\(\n([\s\S]*?),\n\);/.exec(source);
  return match === null ? undefined : Buffer.from(match[1]!.replace(/"\s*\+\s*"/g, "").replace(/^\s*"|"\s*$/g, ""), "base64");
}

function hex(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? []).toString("hex");
}

describe("gen: descriptors are protoc's, byte for byte", function () {
  this.timeout(60_000);

  for (const set of SETS) {
    it(`${set.label}: what tsgrpc gen builds from the parsed files`, function () {
      if (!hasProtoc) this.skip();
      const dir = join(root, set.dir);
      const expected = protocDescriptors(dir, set.protos);
      const { root: parsed, files } = loadProtos(
        set.protos.map((name) => join(dir, name)),
        [dir],
      );
      expect(expected.size).to.be.greaterThan(0);
      for (const [name, bytes] of expected) {
        const file = files.get(name);
        expect(file, name).to.not.equal(undefined);
        expect(hex(encodeFileDescriptor(file!, topLevelOf(parsed, name))), name).to.equal(hex(bytes));
      }
    });

    if (set.modules !== undefined)
      it(`${set.label}: what the committed generated modules embed`, function () {
        if (!hasProtoc) this.skip();
        const expected = protocDescriptors(join(root, set.dir), set.protos);
        for (const name of set.protos) {
          const module = join(root, set.modules!, name.replace(/\.proto$/, "_pb.ts"));
          expect(hex(embeddedIn(module)), module).to.equal(hex(expected.get(name)));
        }
      });
  }

  it("loadService's files, camelCase names or kept case: protoc's too", async function () {
    if (!hasProtoc) this.skip();
    const expected = protocDescriptors(PROTO_DIR, OPTIONS);
    for (const keepCase of [false, true]) {
      const service = await loadService(join(PROTO_DIR, "options/v1/everything.proto"), "options.v1.Records", {
        includeDirs: [PROTO_DIR, join(root, "proto")],
        keepCase,
      });
      const files = service.files?.() ?? [];
      expect(files.length, `keepCase ${keepCase}`).to.equal(4);
      for (const bytes of files) {
        const name = FileDescriptorProto.decode(bytes).name ?? "";
        // The files read from disk. A well-known type protobufjs may serve from its built-in copy
        // (descriptor.proto, once anything registered it there), whose definitions are not protoc's.
        if (name.startsWith("google/")) continue;
        expect(hex(bytes), `keepCase ${keepCase}: ${name}`).to.equal(hex(expected.get(name)));
      }
    }
    const items = await loadService(join(PROTO_DIR, "options/v3/proto3.proto"), "options.v3.Items", { includeDirs: [PROTO_DIR] });
    expect(hex(items.files?.()[0])).to.equal(hex(expected.get("options/v3/proto3.proto")));
  });
});

describe("gen: options protoc would refuse", () => {
  for (const [label, text, message] of [
    [
      "an unknown standard option",
      "message M { int32 a = 1 [bogus = true]; }",
      "bad.proto: bogus is not an option of google.protobuf.FieldOptions",
    ],
    [
      "a custom option naming no extension",
      "option (nope) = 1;\nmessage M {}",
      "bad.proto: custom option (nope) names no extension of google.protobuf.FileOptions",
    ],
  ] as const)
    it(`${label}: a GenerateError naming the file`, async () => {
      const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
      const { tmpdir } = await import("node:os");
      const { GenerateError, generateFiles } = await import("../../src/gen/index.js");
      const dir = mkdtempSync(join(tmpdir(), "tsgrpc-gen-options-"));
      try {
        writeFileSync(join(dir, "bad.proto"), `syntax = "proto3";\npackage bad;\n${text}\n`);
        const { root: parsed, files, requested } = loadProtos([join(dir, "bad.proto")], [dir]);
        expect(() => generateFiles(parsed, files, requested)).to.throw(GenerateError, message);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
