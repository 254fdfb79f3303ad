import { expect } from "chai";
import fc from "fast-check";
import { decodeBase64, decodeBinaryHeader, encodeBase64 } from "../../src/metadata/base64.js";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe("checklist 5: -bin values are base64, sent unpadded, accepted padded or unpadded, split on ','", () => {
  describe("encodeBase64", () => {
    const cases: [Uint8Array, string][] = [
      [bytes(), ""],
      [bytes(0x66), "Zg"],
      [bytes(0x66, 0x6f), "Zm8"],
      [bytes(0x66, 0x6f, 0x6f), "Zm9v"],
      [bytes(0xfb, 0xff), "+/8"],
      [bytes(0, 0, 0, 0), "AAAAAA"],
    ];
    for (const [input, text] of cases)
      it(`encodes [${[...input].join(",")}] unpadded as ${JSON.stringify(text)}`, () => expect(encodeBase64(input)).to.equal(text));

    it("encodes only the bytes of a view, not its whole buffer", () => {
      const buffer = bytes(1, 0x66, 0x6f, 0x6f, 2);
      expect(encodeBase64(buffer.subarray(1, 4))).to.equal("Zm9v");
    });
  });

  describe("decodeBase64", () => {
    const valid: [string, number[]][] = [
      ["", []],
      ["Zg", [0x66]],
      ["Zg==", [0x66]],
      ["Zm8", [0x66, 0x6f]],
      ["Zm8=", [0x66, 0x6f]],
      ["Zm9v", [0x66, 0x6f, 0x6f]],
      ["+/8", [0xfb, 0xff]],
      ["+/8=", [0xfb, 0xff]],
    ];
    for (const [text, expected] of valid)
      it(`decodes ${JSON.stringify(text)}`, () => {
        const decoded = decodeBase64(text);
        expect(decoded).to.be.instanceOf(Uint8Array);
        expect([...decoded]).to.deep.equal(expected);
      });

    const invalid = ["Z", "Zg=", "Zm9vZ", "Zg===", "=Zg", "Z=g", "Zm9v!", "Zm 9v", "-_8", "Zg==Zg==", "Zm8==", "é"];
    for (const text of invalid)
      it(`rejects ${JSON.stringify(text)} with a TypeError`, () => expect(() => decodeBase64(text)).to.throw(TypeError, /base64/));

    it("names a long input by its start only", () => expect(() => decodeBase64("!".repeat(100))).to.throw(TypeError, /\.\.\./));
  });

  describe("decodeBinaryHeader", () => {
    const cases: [string, number[][]][] = [
      ["", [[]]],
      ["Zg", [[0x66]]],
      ["Zg,Zm8", [[0x66], [0x66, 0x6f]]],
      ["Zg==,Zm8=", [[0x66], [0x66, 0x6f]]],
      ["Zg, Zm8", [[0x66], [0x66, 0x6f]]],
      [" Zg\t,\tZm9v ", [[0x66], [0x66, 0x6f, 0x6f]]],
      ["Zg,,Zg", [[0x66], [], [0x66]]],
    ];
    for (const [value, expected] of cases)
      it(`splits and decodes ${JSON.stringify(value)}`, () =>
        expect(decodeBinaryHeader(value).map((part) => [...part])).to.deep.equal(expected));

    for (const value of ["Zg,Z", "Zg,!!", "Z g"])
      it(`rejects ${JSON.stringify(value)} with a TypeError`, () => expect(() => decodeBinaryHeader(value)).to.throw(TypeError));
  });

  describe("round trips (property-based)", () => {
    it("decodeBase64(encodeBase64(bytes)) equals bytes, unpadded", () =>
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
          const text = encodeBase64(input);
          expect(text).not.to.include("=");
          expect([...decodeBase64(text)]).to.deep.equal([...input]);
        }),
      ));

    it("decodes the padded form to the same bytes", () =>
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
          const text = encodeBase64(input);
          const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
          expect([...decodeBase64(padded)]).to.deep.equal([...input]);
        }),
      ));

    it("decodeBinaryHeader recovers every value of a comma-joined list", () =>
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 5 }), (values) => {
          const joined = values.map(encodeBase64).join(",");
          expect(decodeBinaryHeader(joined).map((part) => [...part])).to.deep.equal(values.map((value) => [...value]));
        }),
      ));
  });
});
