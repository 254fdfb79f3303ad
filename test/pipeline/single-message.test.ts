import { expect } from "chai";
import { cardinalityError, expectSingle } from "../../src/pipeline/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { chunksOf, grpcErrorOf } from "./helpers.js";

describe("checklist 16: expectSingle (cardinality)", () => {
  for (const what of ["request", "response"] as const) {
    it(`one ${what} is returned`, async () => expect(await expectSingle(chunksOf("only"), what)).to.equal("only"));

    const violations: [string, string[]][] = [
      ["zero", []],
      ["two", ["a", "b"]],
      ["three", ["a", "b", "c"]],
    ];
    for (const [count, messages] of violations)
      it(`${count} ${what}s are UNIMPLEMENTED "cardinality violation"`, async () => {
        const error = await grpcErrorOf(() => expectSingle(chunksOf(...messages), what));
        expect(error.code).to.equal(Code.Unimplemented);
        expect(error.statusMessage)
          .to.match(/^cardinality violation: /)
          .and.include(what);
      });
  }

  it("stops reading after the second message and closes the stream", async () => {
    let pulled = 0;
    let closed = false;
    async function* stream(): AsyncIterable<number> {
      try {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    await grpcErrorOf(() => expectSingle(stream(), "request"));
    expect(pulled).to.equal(2);
    expect(closed).to.equal(true);
  });

  it("lets an error of the stream through", async () => {
    async function* failing(): AsyncIterable<number> {
      yield 1;
      throw new GrpcError(Code.Cancelled, "peer went away");
    }
    expect((await grpcErrorOf(() => expectSingle(failing(), "request"))).code).to.equal(Code.Cancelled);
  });

  it("returns falsy messages too", async () => expect(await expectSingle(chunksOf(0), "response")).to.equal(0));
});

describe("cardinalityError: the one status of a wrong message count", () => {
  for (const [what, received, text] of [
    ["request", 0, "cardinality violation: expected one request message, received none"],
    ["request", 2, "cardinality violation: expected one request message, received more than one"],
    ["response", 0, "cardinality violation: expected one response message, received none"],
    ["response", 5, "cardinality violation: expected one response message, received more than one"],
  ] as const)
    it(`${received} ${what}s: UNIMPLEMENTED "${text}"`, () => {
      const error = cardinalityError(what, received);
      expect(error.code).to.equal(Code.Unimplemented);
      expect(error.statusMessage).to.equal(text);
    });
});
