// JsonValueSplitter: a stream of JSON values cut into values as they complete, in any chunking;
// syntax mistakes named by line and column of the whole stream.
import { expect } from "chai";
import { JsonValueSplitter } from "../../src/cli/json-values.js";

function splitAll(text: string): string[] {
  const splitter = new JsonValueSplitter();
  return [...splitter.push(text), ...splitter.end()];
}

function splitByChar(text: string): string[] {
  const splitter = new JsonValueSplitter();
  const values: string[] = [];
  for (const char of text) values.push(...splitter.push(char));
  return [...values, ...splitter.end()];
}

describe("cli: JsonValueSplitter", () => {
  for (const [input, values] of [
    ["{}", ["{}"]],
    ['{"a":1}{"b":2}', ['{"a":1}', '{"b":2}']],
    ['{"a":1}\n{"b":[1,2,{"c":null}]}\n', ['{"a":1}', '{"b":[1,2,{"c":null}]}']],
    ['  1 -2.5e3 "x\\"}" true false null [] ', ["1", "-2.5e3", '"x\\"}"', "true", "false", "null", "[]"]],
    ['{"big": 12345678901234567890}', ['{"big": 12345678901234567890}']],
    ['"\\u00e9\\n"', ['"\\u00e9\\n"']],
    ["", []],
    [" \n\t", []],
  ] as const) {
    it(`splits ${JSON.stringify(input)} at once`, () => expect(splitAll(input)).to.deep.equal(values));
    it(`splits ${JSON.stringify(input)} one character at a time`, () => expect(splitByChar(input)).to.deep.equal(values));
  }

  it("hands a value on as soon as it is complete", () => {
    const splitter = new JsonValueSplitter();
    expect(splitter.push('{"a":')).to.deep.equal([]);
    expect(splitter.push('1}{"b"')).to.deep.equal(['{"a":1}']);
    expect(splitter.push(":2}")).to.deep.equal(['{"b":2}']);
    expect(splitter.push("12")).to.deep.equal([]);
    expect(splitter.end()).to.deep.equal(["12"]);
  });

  for (const [input, message] of [
    ["{nope}", /^line 1, column 2: expected a string key, got "n"$/],
    ['{"a" 1}', /^line 1, column 6: expected ':' after an object key, got "1"$/],
    ['{"a":1,}', /^line 1, column 8: trailing comma before "}"$/],
    ['{"a":1}\n\n  [1 2]', /^line 3, column 6: expected ',' or "\]", got "2"$/],
    ['{"a":', /^line 1, column 6: unexpected end of input/],
    ['"abc', /^line 1, column 5: unexpected end of input inside a string$/],
    ['"a\\qb"', /^line 1, column 3: unknown escape \\q$/],
    ['"a\nb"', /^line 1, column 3: control character in a string/],
    ["01", /^line 1, column 2: malformed number$/],
    ["1.", /^line 1, column 2: malformed number$/],
    ["tru", /^line 1, column 4: unexpected end of input \(expected true\)$/],
    ["trUe", /^line 1, column 3: unexpected "U" \(expected true\)$/],
    ["1true", /^line 1, column 2: unexpected "t" after a value$/],
    ["{} x", /^line 1, column 4: unexpected "x", expected a value$/],
    ["[".repeat(600), /nesting deeper than 512 levels/],
  ] as const) {
    it(`rejects ${JSON.stringify(input.slice(0, 20))} at once and one character at a time`, () => {
      expect(() => splitAll(input)).to.throw(SyntaxError, message);
      expect(() => splitByChar(input)).to.throw(SyntaxError, message);
    });
  }
});
