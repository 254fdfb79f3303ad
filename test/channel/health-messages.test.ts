import { expect } from "chai";
import protobuf from "protobufjs";
import { ServingStatus, decodeHealthCheckResponse, encodeHealthCheckRequest } from "../../src/channel/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

// The official messages, through protobufjs, as an independent reference for the hand-written encoding.
const root = protobuf.parse(`
  syntax = "proto3";
  message HealthCheckRequest { string service = 1; }
  message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; } ServingStatus status = 1; }
`).root;
const Request = root.lookupType("HealthCheckRequest");
const Response = root.lookupType("HealthCheckResponse");

describe("channel/health-messages", () => {
  for (const service of ["", "a", "grpc.testing.TestService", "é🙂", "x".repeat(200), "y".repeat(20_000)])
    it(`encodes HealthCheckRequest { service: ${JSON.stringify(service.slice(0, 30))}${service.length > 30 ? "..." : ""} } as protobuf does`, () => {
      const bytes = encodeHealthCheckRequest(service);
      // protobufjs writes an empty string out (0a 00); proto3 leaves it out: both decode alike.
      if (service !== "") expect(Buffer.from(bytes).equals(Buffer.from(Request.encode({ service }).finish()))).to.equal(true);
      else expect(bytes).to.have.length(0);
      expect((Request.decode(bytes) as unknown as { service: string }).service).to.equal(service);
    });

  for (const status of [0, 1, 2, 3, 7])
    it(`decodes status ${status} as encoded by protobuf`, () => {
      expect(decodeHealthCheckResponse(Response.encode({ status }).finish())).to.equal(status);
    });

  const cases: [string, number[], number][] = [
    ["an empty message (status UNKNOWN)", [], ServingStatus.Unknown],
    [
      "unknown fields of every wire type around the status",
      [0x10, 0x05, 0x08, 0x01, 0x1a, 0x02, 0x61, 0x62, 0x21, 1, 2, 3, 4, 5, 6, 7, 8, 0x2d, 1, 2, 3, 4],
      1,
    ],
    ["the last of two status fields", [0x08, 0x02, 0x08, 0x01], ServingStatus.Serving],
    ["a negative enum value (not serving)", [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], -1],
    ["a non-minimal varint", [0x08, 0x81, 0x00], 1],
  ];
  for (const [what, bytes, status] of cases)
    it(`decodes ${what}`, () => expect(decodeHealthCheckResponse(Uint8Array.from(bytes))).to.equal(status));

  const invalid: [string, number[]][] = [
    ["a truncated varint", [0x08, 0x81]],
    ["a length past the end", [0x12, 0x05, 0x61]],
    ["a fixed64 past the end", [0x11, 1, 2]],
    ["wire type 3 (groups)", [0x0b]],
    ["field number 0", [0x00, 0x01]],
    ["an 11-byte varint", [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ];
  for (const [what, bytes] of invalid)
    it(`rejects ${what} as INTERNAL`, () => {
      expect(() => decodeHealthCheckResponse(Uint8Array.from(bytes)))
        .to.throw(GrpcError, "health: malformed HealthCheckResponse")
        .with.property("code", Code.Internal);
    });
});
