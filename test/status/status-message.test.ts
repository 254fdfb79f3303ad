import { expect } from "chai";
import fc from "fast-check";
import { decodeStatusMessage, encodeStatusMessage } from "../../src/status/status-message.js";

/** The string with every lone surrogate replaced by U+FFFD, as UTF-8 must carry it. */
function wellFormed(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? "\ufffd" : text[i]!;
  }
  return out;
}

/** Strings that mix lone surrogates, percent signs, hex digits and all of Unicode. */
const trickyString = fc
  .array(
    fc.oneof(
      fc.fullUnicode(),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("%", "%2", "%25", "%C3", "%A9", "%zz", "A", "f"),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));

describe("checklist 13: grpc-message percent-encoding", () => {
  describe("encodeStatusMessage", () => {
    const cases: [string, string][] = [
      ["", ""],
      ["hello world", "hello world"],
      ["100%", "100%25"],
      ["%%", "%25%25"],
      ["\t\n\r", "%09%0A%0D"],
      ["\0\x1f", "%00%1F"],
      ["\x7f", "%7F"],
      ["caf\u00e9", "caf%C3%A9"],
      ["日本", "%E6%97%A5%E6%9C%AC"],
      ["😀", "%F0%9F%98%80"],
      ["\ud800", "%EF%BF%BD"],
      ["a\udc00b", "a%EF%BF%BDb"],
      ["\ude00\ud83d", "%EF%BF%BD%EF%BF%BD"],
      [" !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~", " !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~"],
      // The interop special_status_message case.
      [
        "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \ud83d\ude08\t\n",
        "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A",
      ],
    ];
    for (const [text, wire] of cases)
      it(`encodes ${JSON.stringify(text)} as ${JSON.stringify(wire)}`, () => expect(encodeStatusMessage(text)).to.equal(wire));

    it("returns the same string when nothing needs escaping", () => {
      const text = "plain ascii: (no escapes) ~";
      expect(encodeStatusMessage(text)).to.equal(text);
    });
  });

  describe("decodeStatusMessage", () => {
    const cases: [string, string][] = [
      ["", ""],
      ["plain", "plain"],
      ["%25", "%"],
      ["100%25", "100%"],
      ["%3A", ":"],
      ["%3a", ":"],
      ["%20", " "],
      ["caf%C3%A9", "caf\u00e9"],
      ["caf%c3%a9", "caf\u00e9"],
      ["%F0%9F%98%80", "😀"],
      // Broken escapes stay as they are.
      ["%", "%"],
      ["100%", "100%"],
      ["%4", "%4"],
      ["a%4", "a%4"],
      ["%zz", "%zz"],
      ["%G1", "%G1"],
      ["%1G", "%1G"],
      ["%%41", "%A"],
      ["%-1", "%-1"],
      // Invalid UTF-8 after unescaping becomes U+FFFD.
      ["%C3", "\ufffd"],
      ["%FF", "\ufffd"],
      ["%C3x%A9", "\ufffdx\ufffd"],
      ["%E2%98", "\ufffd"],
      // A non-conforming sender's raw characters are kept.
      ["caf\u00e9", "caf\u00e9"],
      ["\u00e9%41", "\u00e9A"],
      ["😀%41", "😀A"],
      ["\ud800%41", "\ufffdA"],
    ];
    for (const [wire, text] of cases)
      it(`decodes ${JSON.stringify(wire)} as ${JSON.stringify(text)}`, () => expect(decodeStatusMessage(wire)).to.equal(text));

    it("decodes an escaped surrogate (CESU) to replacement characters only", () => {
      const decoded = decodeStatusMessage("%ED%A0%80");
      expect(decoded).to.match(/^\ufffd+$/);
    });
  });

  describe("round trips (property-based)", () => {
    it("decode(encode(s)) === s for any full-Unicode string", () =>
      fc.assert(
        fc.property(fc.fullUnicodeString(), (text) => {
          expect(decodeStatusMessage(encodeStatusMessage(text))).to.equal(text);
        }),
      ));

    it("decode(encode(s)) is s with lone surrogates replaced by U+FFFD", () =>
      fc.assert(
        fc.property(fc.oneof(fc.string16bits(), trickyString), (text) => {
          expect(decodeStatusMessage(encodeStatusMessage(text))).to.equal(wellFormed(text));
        }),
      ));

    it("encodes to printable ASCII only, every '%' starting an uppercase escape", () =>
      fc.assert(
        fc.property(fc.oneof(fc.string16bits(), trickyString), (text) => {
          const wire = encodeStatusMessage(text);
          expect(wire).to.match(/^(?:[\x20-\x24\x26-\x7e]|%[0-9A-F]{2})*$/);
        }),
      ));

    it("never escapes printable ASCII other than '%'", () =>
      fc.assert(
        fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
          const printable = text.replace(/[^\x20-\x24\x26-\x7e]/g, "");
          expect(encodeStatusMessage(printable)).to.equal(printable);
        }),
      ));

    it("decoding never throws, whatever arrives", () =>
      fc.assert(
        fc.property(fc.oneof(fc.string16bits(), trickyString), (text) => {
          expect(decodeStatusMessage(text)).to.be.a("string");
        }),
      ));
  });
});
