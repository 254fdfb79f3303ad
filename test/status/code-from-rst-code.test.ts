import { expect } from "chai";
import { Code, codeName } from "../../src/status/code.js";
import { RstCode, codeFromRstCode, describeRstCode, explainRstCode } from "../../src/status/code-from-rst-code.js";

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
