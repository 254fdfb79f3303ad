import { expect } from "chai";
import { booleanFlag, integerFlag, parseFlags } from "../../../interop/grpc-js/flags.js";

describe("interop/grpc-js flags", () => {
  const known = ["port", "use_tls", "server_host_override"];

  it("parses --name=value and bare --name", () => {
    const flags = parseFlags(["--port=8080", "--use_tls", "--server_host_override="], known);
    expect([...flags]).to.deep.equal([
      ["port", "8080"],
      ["use_tls", "true"],
      ["server_host_override", ""],
    ]);
  });

  it("keeps '=' inside a value", () => {
    expect(parseFlags(["--server_host_override=a=b"], known).get("server_host_override")).to.equal("a=b");
  });

  for (const argv of [["port=1"], ["-port=1"], ["--Port=1"], ["--unknown=1"], ["8080"]])
    it(`rejects ${JSON.stringify(argv)}`, () => expect(() => parseFlags(argv, known)).to.throw(TypeError));

  for (const [value, expected] of [
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
    [undefined, false],
    ["", false],
  ] as const)
    it(`reads boolean ${JSON.stringify(value)} as ${expected}`, () => {
      const flags = new Map(value === undefined ? [] : [["use_tls", value]]);
      expect(booleanFlag(flags, "use_tls")).to.equal(expected);
    });

  it("uses the boolean fallback when absent", () => expect(booleanFlag(new Map(), "use_tls", true)).to.equal(true));

  it("rejects a malformed boolean", () => expect(() => booleanFlag(new Map([["use_tls", "yes"]]), "use_tls")).to.throw(TypeError));

  for (const [value, expected] of [
    ["0", 0],
    ["50051", 50051],
    [undefined, 7],
  ] as const)
    it(`reads integer ${JSON.stringify(value)} as ${expected}`, () => {
      const flags = new Map(value === undefined ? [] : [["port", value]]);
      expect(integerFlag(flags, "port", 7)).to.equal(expected);
    });

  for (const value of ["-1", "1.5", "x", " 1"])
    it(`rejects integer ${JSON.stringify(value)}`, () =>
      expect(() => integerFlag(new Map([["port", value]]), "port", 0)).to.throw(TypeError));
});
