// `tsgrpc list`, `describe` and `health` against a tsgrpc server (reflection v1alpha only, so the
// v1 -> v1alpha fallback runs) and from .proto files with no server at all.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { healthV1 } from "../../src/grpc/index.js";
import { Code } from "../../src/index.js";
import { startRouteGuide, tsgrpc, type StartedRouteGuide } from "./cli-fixtures.js";

const { HealthCheckResponse_ServingStatus: ServingStatus } = healthV1;

const SHAPES = `syntax = "proto3";
package shapes.v1;

import "google/protobuf/timestamp.proto";

// Shapes on a canvas.
service Canvas {
  rpc Draw(Shape) returns (Shape);
  rpc Watch(stream Shape) returns (stream Shape);
}

enum Color {
  COLOR_UNSPECIFIED = 0;
  RED = 1;
  reserved 5 to 7;
  reserved "BLUE";
}

message Shape {
  string name = 1;
  repeated int32 points = 2;
  map<string, Color> labels = 3;
  optional string note = 4;
  oneof size {
    int32 radius = 5;
    double side = 6;
  }
  google.protobuf.Timestamp created = 7;
  Corner corner = 8;
  message Corner {
    int64 x = 1;
  }
  reserved 9, 11 to 12;
}
`;

describe("cli: tsgrpc list, describe, health", function () {
  this.timeout(60_000);
  let guide: StartedRouteGuide;
  let dir: string;
  let shapes: string;

  before(async () => {
    guide = await startRouteGuide({
      health: { "": ServingStatus.SERVING, "routeguide.RouteGuide": ServingStatus.SERVING, down: ServingStatus.NOT_SERVING },
    });
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-describe-"));
    shapes = join(dir, "shapes.proto");
    writeFileSync(shapes, SHAPES);
  });
  after(() => {
    guide.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("list: the services the server lists, through reflection", async () => {
    const result = await tsgrpc(["list", guide.target]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal("routeguide.RouteGuide\n");
  });

  it("list <service>: its methods", async () => {
    const result = await tsgrpc(["list", guide.target, "routeguide.RouteGuide"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "routeguide.RouteGuide.GetFeature",
      "routeguide.RouteGuide.ListFeatures",
      "routeguide.RouteGuide.RecordRoute",
      "routeguide.RouteGuide.RouteChat",
    ]);
  });

  it("describe: a service and a message through reflection", async () => {
    const service = await tsgrpc(["describe", guide.target, "routeguide.RouteGuide"]);
    expect(service.code, service.stderr).to.equal(0);
    expect(service.stdout).to.include("routeguide.RouteGuide is a service:\nservice RouteGuide {\n");
    expect(service.stdout).to.include("  rpc RecordRoute ( stream .routeguide.Point ) returns ( .routeguide.RouteSummary );\n");
    expect(service.stdout).to.include("  rpc RouteChat ( stream .routeguide.RouteNote ) returns ( stream .routeguide.RouteNote );\n");
    const message = await tsgrpc(["describe", guide.target, "routeguide.Rectangle"]);
    expect(message.stdout).to.equal(
      "routeguide.Rectangle is a message:\nmessage Rectangle {\n  .routeguide.Point lo = 1;\n  .routeguide.Point hi = 2;\n}\n",
    );
    const method = await tsgrpc(["describe", guide.target, "routeguide.RouteGuide/GetFeature"]);
    expect(method.stdout).to.equal(
      "routeguide.RouteGuide.GetFeature is a method:\nrpc GetFeature ( .routeguide.Point ) returns ( .routeguide.Feature );\n",
    );
  });

  it("describe with no symbol describes every service", async () => {
    const result = await tsgrpc(["describe", guide.target]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^routeguide\.RouteGuide is a service:\n/);
  });

  it("describe from --proto (no server contacted): a message with map, optional, oneof, nested type, reserved", async () => {
    const result = await tsgrpc(["describe", "127.0.0.1:1", "shapes.v1.Shape", "--proto", shapes]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal(
      [
        "shapes.v1.Shape is a message:",
        "message Shape {",
        "  string name = 1;",
        "  repeated int32 points = 2;",
        "  map<string, .shapes.v1.Color> labels = 3;",
        "  optional string note = 4;",
        "  oneof size {",
        "    int32 radius = 5;",
        "    double side = 6;",
        "  }",
        "  .google.protobuf.Timestamp created = 7;",
        "  .shapes.v1.Shape.Corner corner = 8;",
        "  message Corner {",
        "    int64 x = 1;",
        "  }",
        "  reserved 9, 11 to 12;",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("describe from --proto: an enum, a nested message, a service; list from --proto", async () => {
    const color = await tsgrpc(["describe", "127.0.0.1:1", "shapes.v1.Color", "--proto", shapes]);
    expect(color.stdout).to.equal(
      'shapes.v1.Color is an enum:\nenum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  reserved 5 to 7;\n  reserved "BLUE";\n}\n',
    );
    const corner = await tsgrpc(["describe", "127.0.0.1:1", ".shapes.v1.Shape.Corner", "--proto", shapes]);
    expect(corner.stdout).to.equal("shapes.v1.Shape.Corner is a message:\nmessage Corner {\n  int64 x = 1;\n}\n");
    const canvas = await tsgrpc(["describe", "127.0.0.1:1", "shapes.v1.Canvas", "--proto", shapes, "-I", dir]);
    expect(canvas.stdout).to.include("  rpc Watch ( stream .shapes.v1.Shape ) returns ( stream .shapes.v1.Shape );\n");
    const list = await tsgrpc(["list", "127.0.0.1:1", "--proto", shapes]);
    expect(list.stdout).to.equal("shapes.v1.Canvas\n");
  });

  for (const [name, args, code, pattern] of [
    ["list with no target", ["list"], 64, /^tsgrpc list: needs a target/],
    ["describe an unknown symbol", ["describe", "T", "shapes.v1.Nope", "--proto", "SHAPES"], 67, /has no symbol shapes\.v1\.Nope/],
    [
      "list an unknown service",
      ["list", "T", "shapes.v1.Nope", "--proto", "SHAPES"],
      67,
      /has no service shapes\.v1\.Nope \(services: shapes\.v1\.Canvas\)/,
    ],
    [
      "list a message as a service",
      ["list", "T", "shapes.v1.Shape", "--proto", "SHAPES"],
      67,
      /has no service shapes\.v1\.Shape \(it is a message\)/,
    ],
    ["a .proto that does not parse", ["describe", "T", "x", "--proto", "BAD"], 65, /^tsgrpc describe: --proto: bad\.proto:2: /],
    ["health with an unknown flag", ["health", "T", "--bogus"], 64, /^tsgrpc health: unknown option --bogus/],
  ] as const)
    it(`${name}: exit ${code}, one line`, async () => {
      const bad = join(dir, "bad.proto");
      writeFileSync(bad, 'syntax = "proto3";\nmessage {\n');
      const result = await tsgrpc(args.map((arg) => (arg === "SHAPES" ? shapes : arg === "BAD" ? bad : arg === "T" ? guide.target : arg)));
      expect(result.code, result.stderr).to.equal(code);
      expect(result.stderr).to.match(pattern);
      expect(result.stderr.trim().split("\n")).to.have.length(1);
    });

  it("list against a server without reflection: exit 76 suggesting --proto", async () => {
    const bare = await startRouteGuide({ reflection: false });
    try {
      const result = await tsgrpc(["list", bare.target]);
      expect(result.code).to.equal(76);
      expect(result.stderr).to.match(/has no reflection service .*: give the schema with --proto FILE\n$/);
    } finally {
      bare.server.forceShutdown();
    }
  });

  it("health: SERVING exits 0, for the server and for a service", async () => {
    for (const args of [[], ["routeguide.RouteGuide"]]) {
      const result = await tsgrpc(["health", guide.target, ...args]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.equal("SERVING\n");
    }
  });

  it("health: NOT_SERVING exits 75; an unknown service is NOT_FOUND (5)", async () => {
    const down = await tsgrpc(["health", guide.target, "down"]);
    expect(down).to.deep.equal({ code: 75, stdout: "NOT_SERVING\n", stderr: "" });
    const unknown = await tsgrpc(["health", guide.target, "nope"]);
    expect(unknown.code).to.equal(Code.NotFound);
    expect(unknown.stderr).to.equal("NOT_FOUND: unknown service nope\n");
  });

  it("health --watch prints every status; the exit code is the last one's", async () => {
    const result = await tsgrpc(["health", guide.target, "nope", "--watch"]);
    expect(result.stdout).to.equal("SERVICE_UNKNOWN\nSERVING\n");
    expect(result.code).to.equal(0);
  });

  it("health against a server without the health service: UNIMPLEMENTED (12)", async () => {
    const plain = await startRouteGuide();
    try {
      const result = await tsgrpc(["health", plain.target]);
      expect(result.code).to.equal(Code.Unimplemented);
      expect(result.stderr).to.match(/^UNIMPLEMENTED: /);
    } finally {
      plain.server.forceShutdown();
    }
  });

  it("health against an unreachable target: exit 69", async () => {
    const result = await tsgrpc(["health", "127.0.0.1:1"]);
    expect(result.code).to.equal(69);
    expect(result.stderr).to.match(/^tsgrpc health: cannot reach 127\.0\.0\.1:1: /);
  });
});
