import { expect } from "chai";
import {
  RESERVED_HEADERS,
  isBinaryKey,
  isLegalFieldValue,
  isReservedKey,
  isValidAsciiValue,
  isValidKey,
} from "../../src/metadata/metadata-key.js";

describe("checklist 4: metadata keys [0-9a-z_.-]+ and ASCII values %x20-%x7E", () => {
  describe("isValidKey", () => {
    for (const key of ["a", "x-user", "0", "a.b_c-d", "grpc-foo", "key-bin", "-", "._-"])
      it(`accepts ${JSON.stringify(key)}`, () => expect(isValidKey(key)).to.equal(true));
    for (const key of ["", "A", "X-User", "a b", "a:b", ":path", "a/b", "ключ", "a\n", "a+b", "a!"])
      it(`rejects ${JSON.stringify(key)}`, () => expect(isValidKey(key)).to.equal(false));
  });

  describe("isValidAsciiValue", () => {
    for (const value of ["", " ", "~", "hello world", "!#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~"])
      it(`accepts ${JSON.stringify(value)}`, () => expect(isValidAsciiValue(value)).to.equal(true));
    for (const value of ["\t", "\x1f", "\x7f", "é", "a\nb", "\0", "日本"])
      it(`rejects ${JSON.stringify(value)}`, () => expect(isValidAsciiValue(value)).to.equal(false));
  });

  describe("isLegalFieldValue (received values must not fail the call)", () => {
    for (const value of ["", "plain", "tab\there", "caf\u00e9", "\u00ff", "\x80"])
      it(`accepts ${JSON.stringify(value)}`, () => expect(isLegalFieldValue(value)).to.equal(true));
    for (const value of ["a\nb", "a\rb", "\0", "\x7f", "\u0100", "日本"])
      it(`rejects ${JSON.stringify(value)}`, () => expect(isLegalFieldValue(value)).to.equal(false));
  });

  describe("isBinaryKey", () => {
    for (const [key, binary] of [
      ["a-bin", true],
      ["-bin", true],
      ["bin", false],
      ["a-binx", false],
      ["a_bin", false],
    ] as const)
      it(`${key} is ${binary ? "" : "not "}binary`, () => expect(isBinaryKey(key)).to.equal(binary));
  });
});

describe("checklist 6: reserved headers", () => {
  const reserved = [
    ":path",
    ":authority",
    ":method",
    ":scheme",
    ":status",
    "content-type",
    "te",
    "grpc-timeout",
    "grpc-encoding",
    "grpc-accept-encoding",
    "grpc-status",
    "grpc-message",
    "grpc-status-details-bin",
  ];
  for (const key of reserved) it(`${key} is reserved`, () => expect(isReservedKey(key)).to.equal(true));
  for (const key of ["x-user", "grpc-custom", "authorization", "user-agent", "te-x", "content-types"])
    it(`${key} is not reserved`, () => expect(isReservedKey(key)).to.equal(false));
  it("lists every non-pseudo spec header in RESERVED_HEADERS", () => {
    for (const key of reserved.filter((name) => !name.startsWith(":"))) expect(RESERVED_HEADERS.has(key), key).to.equal(true);
  });
});
