// The schema in generated code: every message and service of a generated module carries
// `files()`, its file's FileDescriptorProto first and then every file it imports, transitively,
// each once (reflection and the JSON mapping read it).
import { expect } from "chai";
import * as wkt from "../../src/wkt/index.js";
import { Health } from "../../src/grpc/health/v1/health_pb.js";
import * as older from "./golden/demo/v1/older_pb.js";
import * as shapes from "./golden/demo/v1/shapes_pb.js";

function names(files: readonly Uint8Array[]): string[] {
  return files.map((bytes) => wkt.FileDescriptorProto.decode(bytes).name ?? "");
}

describe("gen: files() in generated code", () => {
  it("lists the defining file first, then its imports", () => {
    expect(names(shapes.files_demo_v1_shapes())).to.deep.equal([
      "demo/v1/shapes.proto",
      "google/protobuf/timestamp.proto",
      "google/protobuf/duration.proto",
    ]);
  });

  it("messages, nested messages and services share their file's function", () => {
    expect(shapes.Shop.files).to.equal(shapes.files_demo_v1_shapes);
    expect(shapes.Shapes.files).to.equal(shapes.files_demo_v1_shapes);
    expect(wkt.Timestamp.files).to.equal(wkt.files_google_protobuf_timestamp);
    expect(Health.files?.().length).to.equal(1);
  });

  it("computes the list once and returns the same array", () => {
    expect(shapes.files_demo_v1_shapes()).to.equal(shapes.files_demo_v1_shapes());
    expect(shapes.files_demo_v1_shapes()[0]).to.equal(shapes.file_demo_v1_shapes);
  });

  it("includes every transitive dependency once, whatever the import graph", () => {
    const files = names(wkt.files_google_protobuf_api());
    expect(files[0]).to.equal("google/protobuf/api.proto");
    expect(new Set(files).size).to.equal(files.length);
    // api imports source_context and type; type imports any and source_context again.
    expect([...files].sort()).to.deep.equal(["any", "api", "source_context", "type"].map((name) => `google/protobuf/${name}.proto`));
    expect(names(older.files_demo_v1_older())).to.deep.equal(["demo/v1/older.proto"]);
  });

  it("each dependency named by a file is in its list", () => {
    for (const [key, value] of Object.entries(wkt)) {
      if (!key.startsWith("files_") || typeof value !== "function") continue;
      const files = (value as () => readonly Uint8Array[])().map((bytes) => wkt.FileDescriptorProto.decode(bytes));
      const present = new Set(files.map((file) => file.name));
      expect(present.size, key).to.equal(files.length);
      for (const file of files)
        for (const dependency of file.dependency) expect(present.has(dependency), `${key}: ${dependency}`).to.equal(true);
    }
  });
});

describe("gen: extensions", () => {
  it("an extended message gets no property for the extensions (they stay unknown fields); the descriptor declares them", async () => {
    const { generateFiles, loadProtos } = await import("../../src/gen/index.js");
    const { join } = await import("node:path");
    const { projectRoot } = await import("../project-root.js");
    const dir = join(projectRoot(), "test/reflection/protos");
    const { root, files, requested } = loadProtos([join(dir, "ext.proto")], [dir]);
    const [generated] = generateFiles(root, files, requested, { runtimeImport: "tsgrpc" });
    expect(generated!.content).to.not.include(".ext.v1.");
    expect(generated!.content).to.include("  name: string | undefined;\n}");
    const base64 = /export const file_ext: Uint8Array = bytesFromBase64\(\n([\s\S]*?),\n\);/.exec(generated!.content)![1]!;
    const bytes = Buffer.from(base64.replace(/[\s"+]/g, ""), "base64");
    const descriptor = wkt.FileDescriptorProto.decode(bytes);
    expect(descriptor.extension.map((extension) => [extension.name, extension.number, extension.extendee])).to.deep.equal([
      ["weight", 100, ".ext.v1.Base"],
      ["label", 150, ".ext.v1.Base"],
    ]);
    expect(descriptor.messageType[0]!.field.map((field) => field.name)).to.deep.equal(["name"]);
  });
});
