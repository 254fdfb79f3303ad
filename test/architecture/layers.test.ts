import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { ROOT, SRC, folderOf, sourceFiles } from "./source-tree.js";

/**
 * The level of each package under src/ (docs/ARCHITECTURE.md); imports only go to lower levels.
 * http2/client and http2/server are packages of their own above the shared http2/ code, and
 * never import each other.
 */
const LEVELS: Record<string, number> = {
  metadata: 0,
  status: 1,
  deadline: 2,
  framing: 2,
  compression: 2,
  codec: 2,
  "service-config": 2,
  // The tracer and logger: events, filter, formats, sinks; the layers above emit into it.
  trace: 2,
  protobuf: 2,
  wkt: 2.5,
  // The proto3 JSON mapping over descriptor tables it declares (schema.ts); descriptor/ builds them.
  json: 2.6,
  // TypeRegistry: types resolved from serialized FileDescriptorProtos; toJson/fromJson for generated types.
  descriptor: 2.7,
  service: 3,
  pipeline: 3,
  channel: 3,
  http2: 3,
  "http2/client": 3.5,
  "http2/server": 3.5,
  // The web protocols (gRPC-Web, Connect, CORS) over the server half of http2; server/ uses it.
  web: 3.75,
  server: 4,
  client: 4,
  // tsgrpc/web: the browser client over fetch; only Node-free folders below it (web-client.test.ts).
  "web-client": 4,
  // Top-level entry points, re-exports only: index.ts ("tsgrpc") and protocol.ts ("tsgrpc/protocol").
  ".": 5,
  // Generated code of gRPC's own protos (grpc.health.v1, grpc.reflection.v1/v1alpha), on the public API.
  grpc: 5.2,
  // tsgrpc/reflection and tsgrpc/health: gRPC's standard services, on the public API and src/grpc.
  reflection: 5.5,
  health: 5.5,
  // tsgrpc/otel: OpenTelemetry interceptors built on the public API ("."), nothing below it.
  otel: 6,
  // Tools, not the library: the code generator (parses .proto files with protobufjs) and the bin.
  gen: 6,
  // The interop client and server (doc/interop-test-descriptions.md) and their generated
  // grpc.testing code, on the public API; the CLI runs them.
  interop: 6.5,
  // The spec probe (tsgrpc probe): crafted HTTP/2 traffic on raw node:http2, for the cli.
  probe: 6.5,
  cli: 7,
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g))
    found.push((match[1] ?? match[2])!);
  return found;
}

describe("architecture: layer dependencies", () => {
  const files = sourceFiles(SRC);

  it("knows the level of every folder under src/", () => {
    for (const file of files) expect(LEVELS, relative(ROOT, file)).to.have.property(folderOf(file));
  });

  for (const file of files) {
    const from = folderOf(file);
    const name = relative(ROOT, file);
    it(`${name} imports only lower layers, through their index`, () => {
      for (const spec of importsOf(file)) {
        if (spec === "node:http2") {
          // probe/ judges other implementations byte by byte: no gRPC layer may sit between it and the peer.
          expect(["http2", "probe"], `${name}: only src/http2 (and the probe) may import node:http2`).to.include(from.split("/")[0]);
          continue;
        }
        if (spec === "protobufjs") {
          expect(["codec", "service", "gen"], `${name}: protobufjs belongs to codec/, service/ and gen/`).to.include(from);
          continue;
        }
        if (spec.startsWith("@opentelemetry/")) {
          expect(from, `${name}: @opentelemetry/* (an optional peer dependency) belongs to otel/`).to.equal("otel");
          continue;
        }
        if (from === "otel" && spec.startsWith(".")) {
          const to = folderOf(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
          expect(["otel", "."], `${name} → ${spec}: otel/ uses tsgrpc's public API (src/index.ts) only`).to.include(to);
          if (to === ".") expect(spec, `${name} → ${spec}: otel/ imports the public entry point only`).to.equal("../index.js");
        }
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(file), spec);
        expect(target.startsWith(SRC + sep), `${name} imports outside src/: ${spec}`).to.equal(true);
        const to = folderOf(target.replace(/\.js$/, ".ts"));
        if (to === from) {
          expect(target.endsWith(`${sep}index.js`) && from !== ".", `${name} imports its own folder's index`).to.equal(false);
          continue;
        }
        expect(LEVELS[to]!, `${name} → ${spec}: ${from} (L${LEVELS[from]}) may not import ${to} (L${LEVELS[to]})`).to.be.lessThan(
          LEVELS[from]!,
        );
        expect(target.endsWith(`${sep}index.js`), `${name} → ${spec}: import another folder through its index.ts`).to.equal(true);
      }
    });
  }
});
