import { expect } from "chai";
import { TRACE_EVERYTHING, filterMatchesMethod, parseTraceFilter } from "../../src/trace/index.js";

describe("trace: parseTraceFilter (TSGRPC_TRACE)", () => {
  for (const off of ["", "  ", "0", "false", "off", "none", "OFF"])
    it(`${JSON.stringify(off)} is off`, () => expect(parseTraceFilter(off)).to.equal(undefined));

  for (const all of ["*", "all", "1", "true", "ALL"])
    it(`${JSON.stringify(all)} is everything`, () => expect(parseTraceFilter(all)).to.equal(TRACE_EVERYTHING));

  const valid: [string, { sides: string[]; layers: string[]; methods: string[] }][] = [
    ["client", { sides: ["client"], layers: [], methods: [] }],
    ["client,server", { sides: ["client", "server"], layers: [], methods: [] }],
    ["server http2", { sides: ["server"], layers: ["http2"], methods: [] }],
    ["server http1", { sides: ["server"], layers: ["http1"], methods: [] }],
    ["http1,http2", { sides: [], layers: ["http1", "http2"], methods: [] }],
    ["message, call", { sides: [], layers: ["message", "call"], methods: [] }],
    ["/helloworld.Greeter/*", { sides: [], layers: [], methods: ["/helloworld.Greeter/*"] }],
    ["helloworld.Greeter/SayHello", { sides: [], layers: [], methods: ["/helloworld.Greeter/SayHello"] }],
    ["*Echo*,client,connection", { sides: ["client"], layers: ["connection"], methods: ["*Echo*"] }],
    ["*,client", { sides: ["client"], layers: [], methods: [] }],
  ];
  for (const [text, expected] of valid) it(`parses ${JSON.stringify(text)}`, () => expect(parseTraceFilter(text)).to.deep.equal(expected));

  for (const bad of ["clients", "http3", "verbose", "client,bogus"])
    it(`rejects ${JSON.stringify(bad)}, naming the word`, () =>
      expect(() => parseTraceFilter(bad))
        .to.throw(RangeError)
        .with.property("message")
        .that.matches(/^trace: unknown word "(clients|http3|verbose|bogus)"/));
});

describe("trace: method globs", () => {
  const cases: [string, string, boolean][] = [
    ["/a.B/C", "/a.B/C", true],
    ["/a.B/C", "/a.B/CD", false],
    ["/a.B/*", "/a.B/C", true],
    ["/a.B/*", "/a.Bx/C", false],
    ["*Echo*", "/test.Echo/Unary", true],
    ["*Echo", "/test.Echo/Unary", false],
    ["/test.*/Un*", "/test.Echo/Unary", true],
    ["/a*a", "/a", false],
    ["*", "/anything/at.all", true],
  ];
  for (const [glob, path, matches] of cases)
    it(`${glob} ${matches ? "matches" : "does not match"} ${path}`, () =>
      expect(filterMatchesMethod(parseTraceFilter(glob)!, path)).to.equal(matches));

  it("several globs: any may match", () => {
    const filter = parseTraceFilter("/a.B/*,/c.D/E")!;
    expect(["/a.B/X", "/c.D/E", "/c.D/F"].map((path) => filterMatchesMethod(filter, path))).to.deep.equal([true, true, false]);
  });
});
