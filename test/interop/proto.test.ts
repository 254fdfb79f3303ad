/**
 * Our grpc.testing protos must stay wire-compatible with the official ones: same package,
 * message and field names, field numbers, types, and method names and streaming kinds.
 * The expected table below is taken from the official grpc/testing/{messages,test}.proto.
 */
import { expect } from "chai";
import protobuf from "protobufjs";
import { join } from "node:path";
import { DEFAULT_PROTO_ROOT as PROTO_ROOT } from "../../interop/grpc-js/load-protos.js";

/** message -> field -> [number, type, repeated] */
const FIELDS: Record<string, Record<string, [number, string, boolean?]>> = {
  Empty: {},
  BoolValue: { value: [1, "bool"] },
  Payload: { type: [1, "PayloadType"], body: [2, "bytes"] },
  EchoStatus: { code: [1, "int32"], message: [2, "string"] },
  SimpleRequest: {
    response_type: [1, "PayloadType"],
    response_size: [2, "int32"],
    payload: [3, "Payload"],
    fill_username: [4, "bool"],
    fill_oauth_scope: [5, "bool"],
    response_compressed: [6, "BoolValue"],
    response_status: [7, "EchoStatus"],
    expect_compressed: [8, "BoolValue"],
    fill_server_id: [9, "bool"],
    fill_grpclb_route_type: [10, "bool"],
  },
  SimpleResponse: {
    payload: [1, "Payload"],
    username: [2, "string"],
    oauth_scope: [3, "string"],
    server_id: [4, "string"],
    grpclb_route_type: [5, "GrpclbRouteType"],
    hostname: [6, "string"],
  },
  StreamingInputCallRequest: { payload: [1, "Payload"], expect_compressed: [2, "BoolValue"] },
  StreamingInputCallResponse: { aggregated_payload_size: [1, "int32"] },
  ResponseParameters: { size: [1, "int32"], interval_us: [2, "int32"], compressed: [3, "BoolValue"] },
  StreamingOutputCallRequest: {
    response_type: [1, "PayloadType"],
    response_parameters: [2, "ResponseParameters", true],
    payload: [3, "Payload"],
    response_status: [7, "EchoStatus"],
  },
  StreamingOutputCallResponse: { payload: [1, "Payload"] },
};

/** service -> method -> [request, response, requestStream, responseStream] */
const METHODS: Record<string, Record<string, [string, string, boolean, boolean]>> = {
  TestService: {
    EmptyCall: ["Empty", "Empty", false, false],
    UnaryCall: ["SimpleRequest", "SimpleResponse", false, false],
    CacheableUnaryCall: ["SimpleRequest", "SimpleResponse", false, false],
    StreamingOutputCall: ["StreamingOutputCallRequest", "StreamingOutputCallResponse", false, true],
    StreamingInputCall: ["StreamingInputCallRequest", "StreamingInputCallResponse", true, false],
    FullDuplexCall: ["StreamingOutputCallRequest", "StreamingOutputCallResponse", true, true],
    HalfDuplexCall: ["StreamingOutputCallRequest", "StreamingOutputCallResponse", true, true],
    UnimplementedCall: ["Empty", "Empty", false, false],
  },
  UnimplementedService: { UnimplementedCall: ["Empty", "Empty", false, false] },
};

describe("interop/proto: grpc.testing wire compatibility", () => {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  before(async () => {
    await root.load("grpc/testing/test.proto", { keepCase: true });
    root.resolveAll();
  });

  for (const [message, fields] of Object.entries(FIELDS)) {
    it(`grpc.testing.${message} has exactly the official fields`, () => {
      const type = root.lookupType(`grpc.testing.${message}`);
      const actual = Object.fromEntries(type.fieldsArray.map((f) => [f.name, [f.id, f.type, f.repeated || undefined]]));
      const expected = Object.fromEntries(
        Object.entries(fields).map(([name, [id, fieldType, repeated]]) => [name, [id, fieldType, repeated]]),
      );
      expect(actual).to.deep.equal(expected);
    });
  }

  it("enums have the official values", () => {
    expect({ ...root.lookupEnum("grpc.testing.PayloadType").values }).to.deep.equal({ COMPRESSABLE: 0 });
    expect({ ...root.lookupEnum("grpc.testing.GrpclbRouteType").values }).to.deep.equal({
      GRPCLB_ROUTE_TYPE_UNKNOWN: 0,
      GRPCLB_ROUTE_TYPE_FALLBACK: 1,
      GRPCLB_ROUTE_TYPE_BACKEND: 2,
    });
  });

  for (const [service, methods] of Object.entries(METHODS)) {
    it(`grpc.testing.${service} has exactly the official methods`, () => {
      const actual = Object.fromEntries(
        root
          .lookupService(`grpc.testing.${service}`)
          .methodsArray.map((m) => [
            m.name,
            [m.resolvedRequestType!.name, m.resolvedResponseType!.name, Boolean(m.requestStream), Boolean(m.responseStream)],
          ]),
      );
      expect(actual).to.deep.equal(methods);
    });
  }
});
