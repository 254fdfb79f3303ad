import { expect } from "chai";
import { Code, codeName } from "../../src/status/code.js";
import {
  HTTP2_ERROR_CODES,
  RstCode,
  codeFromRstCode,
  describeHttp2ErrorCode,
  describeRstCode,
  explainRstCode,
  http2ErrorCode,
  http2ErrorCodeFromName,
} from "../../src/status/http2-error-code.js";

describe("RstCode", () => {
  it("names every row of HTTP2_ERROR_CODES by its PascalCase name, and nothing else", () => {
    const pascal = (name: string) =>
      name
        .split("_")
        .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
        .join("");
    expect(RstCode).to.deep.equal(Object.fromEntries(HTTP2_ERROR_CODES.map((entry) => [pascal(entry.name), entry.wire])));
  });
});

describe("checklist 19: RST_STREAM code to status", () => {
  const mapped: [number, string, Code][] = [
    [0x0, "NO_ERROR", Code.Internal],
    [0x1, "PROTOCOL_ERROR", Code.Internal],
    [0x2, "INTERNAL_ERROR", Code.Internal],
    [0x3, "FLOW_CONTROL_ERROR", Code.Internal],
    [0x4, "SETTINGS_TIMEOUT", Code.Internal],
    [0x5, "STREAM_CLOSED", Code.Internal],
    [0x6, "FRAME_SIZE_ERROR", Code.Internal],
    [0x7, "REFUSED_STREAM", Code.Unavailable],
    [0x8, "CANCEL", Code.Cancelled],
    [0x9, "COMPRESSION_ERROR", Code.Internal],
    [0xa, "CONNECT_ERROR", Code.Internal],
    [0xb, "ENHANCE_YOUR_CALM", Code.ResourceExhausted],
    [0xc, "INADEQUATE_SECURITY", Code.PermissionDenied],
    [0xd, "HTTP_1_1_REQUIRED", Code.Internal],
  ];
  for (const [rstCode, name, code] of mapped) {
    it(`${name} is ${codeName(code)}`, () => expect(codeFromRstCode(rstCode)).to.equal(code));
    it(`describes ${name}`, () => expect(describeRstCode(rstCode)).to.equal(`RST_STREAM ${name} (0x${rstCode.toString(16)})`));
    it(`explains ${name}: which code arrived and why`, () => {
      const text = explainRstCode(rstCode);
      expect(text).to.include(`RST_STREAM ${name} (0x${rstCode.toString(16)})`);
      expect(text).to.match(/: \S/);
    });
  }

  for (const rstCode of [0xe, 0x2a, 0xffff])
    it(`an unknown code 0x${rstCode.toString(16)} is INTERNAL (RFC 9113 §7)`, () => {
      expect(codeFromRstCode(rstCode)).to.equal(Code.Internal);
      expect(describeRstCode(rstCode)).to.equal(`RST_STREAM UNKNOWN (0x${rstCode.toString(16)})`);
      expect(explainRstCode(rstCode)).to.include("INTERNAL");
    });

  it("says a refused stream is safe to retry", () => expect(explainRstCode(RstCode.RefusedStream)).to.include("safe to retry"));

  it("RstCode holds the RFC 9113 wire values", () => {
    expect(RstCode).to.deep.equal({
      NoError: 0,
      ProtocolError: 1,
      InternalError: 2,
      FlowControlError: 3,
      SettingsTimeout: 4,
      StreamClosed: 5,
      FrameSizeError: 6,
      RefusedStream: 7,
      Cancel: 8,
      CompressionError: 9,
      ConnectError: 10,
      EnhanceYourCalm: 11,
      InadequateSecurity: 12,
      Http11Required: 13,
    });
  });
});

describe("status/HTTP2_ERROR_CODES: the one HTTP/2 error-code table", () => {
  // RFC 9113 §7 (Error Codes), name and value, in the RFC's order.
  const RFC_9113: [string, number][] = [
    ["NO_ERROR", 0x00],
    ["PROTOCOL_ERROR", 0x01],
    ["INTERNAL_ERROR", 0x02],
    ["FLOW_CONTROL_ERROR", 0x03],
    ["SETTINGS_TIMEOUT", 0x04],
    ["STREAM_CLOSED", 0x05],
    ["FRAME_SIZE_ERROR", 0x06],
    ["REFUSED_STREAM", 0x07],
    ["CANCEL", 0x08],
    ["COMPRESSION_ERROR", 0x09],
    ["CONNECT_ERROR", 0x0a],
    ["ENHANCE_YOUR_CALM", 0x0b],
    ["INADEQUATE_SECURITY", 0x0c],
    ["HTTP_1_1_REQUIRED", 0x0d],
  ];
  // PROTOCOL-HTTP2.md "Errors": the HTTP/2 codes it maps, and the status of each.
  const PROTOCOL_HTTP2: Record<string, Code> = {
    NO_ERROR: Code.Internal,
    PROTOCOL_ERROR: Code.Internal,
    INTERNAL_ERROR: Code.Internal,
    FLOW_CONTROL_ERROR: Code.Internal,
    SETTINGS_TIMEOUT: Code.Internal,
    FRAME_SIZE_ERROR: Code.Internal,
    REFUSED_STREAM: Code.Unavailable,
    CANCEL: Code.Cancelled,
    COMPRESSION_ERROR: Code.Internal,
    CONNECT_ERROR: Code.Internal,
    ENHANCE_YOUR_CALM: Code.ResourceExhausted,
    INADEQUATE_SECURITY: Code.PermissionDenied,
  };

  it("lists exactly the RFC 9113 §7 codes, in wire order", () =>
    expect(HTTP2_ERROR_CODES.map((entry) => [entry.name, entry.wire])).to.deep.equal(RFC_9113));

  for (const entry of HTTP2_ERROR_CODES) {
    const expected = PROTOCOL_HTTP2[entry.name] ?? Code.Internal; // not in the gRPC table: RFC 9113 §7 says treat as INTERNAL_ERROR
    it(`${entry.name} reports ${codeName(expected)} as PROTOCOL-HTTP2.md "Errors" says`, () => expect(entry.code).to.equal(expected));
    it(`${entry.name} is found by wire value and by name`, () => {
      expect(http2ErrorCode(entry.wire)).to.equal(entry);
      expect(http2ErrorCodeFromName(entry.name)).to.equal(entry);
    });
    it(`${entry.name} has a reason that says why`, () => expect(entry.reason).to.match(/^the peer |INTERNAL$/));
  }

  it("has no entry for an unknown value or name", () => {
    for (const wire of [-1, 0.5, 0xe, 0x2a, 0xffffffff]) expect(http2ErrorCode(wire), String(wire)).to.equal(undefined);
    for (const name of ["", "cancel", "NGHTTP2_CANCEL", "UNKNOWN", "length"])
      expect(http2ErrorCodeFromName(name), name).to.equal(undefined);
  });

  it("RstCode is derived from the table", () => {
    for (const entry of HTTP2_ERROR_CODES) expect(Object.values(RstCode)).to.include(entry.wire);
    expect(Object.isFrozen(RstCode)).to.equal(true);
  });

  it("describes a code without the frame name, for GOAWAY", () => {
    expect(describeHttp2ErrorCode(0xb)).to.equal("ENHANCE_YOUR_CALM (0xb)");
    expect(describeHttp2ErrorCode(0x2a)).to.equal("UNKNOWN (0x2a)");
  });
});
