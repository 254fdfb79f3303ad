import { expect } from "chai";
import { metadataFromHeaders, metadataToHeaders } from "../../src/http2/index.js";
import { Metadata } from "../../src/metadata/index.js";

describe("http2/metadataToHeaders", () => {
  it("writes ASCII values as they are and -bin values as unpadded base64", () => {
    const metadata = new Metadata()
      .set("x-a", "1")
      .add("x-many", "a")
      .add("x-many", "b")
      .set("x-b-bin", new Uint8Array([0xff]));
    expect(metadataToHeaders(metadata)).to.deep.equal({ "x-a": "1", "x-many": ["a", "b"], "x-b-bin": "/w" });
  });

  it("adds to a given header object", () => {
    const headers = { ":status": 200 };
    expect(metadataToHeaders(new Metadata().set("k", "v"), headers))
      .to.equal(headers)
      .and.deep.equal({ ":status": 200, k: "v" });
  });

  for (const [bytes, wire] of [
    [[], ""],
    [[1], "AQ"],
    [[1, 2], "AQI"],
    [[1, 2, 3], "AQID"],
  ] as const)
    it(`encodes ${JSON.stringify(bytes)} as ${JSON.stringify(wire)}`, () =>
      expect(metadataToHeaders(new Metadata().set("v-bin", new Uint8Array(bytes)))["v-bin"]).to.equal(wire));
});

describe("http2/metadataFromHeaders", () => {
  it("drops pseudo-headers and reserved names", () => {
    const metadata = metadataFromHeaders({
      ":path": "/a/b",
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": "1S",
      "grpc-encoding": "gzip",
      "grpc-accept-encoding": "gzip",
      "grpc-status": "0",
      "grpc-message": "x",
      "grpc-status-details-bin": "AA",
      "x-kept": "yes",
    });
    expect([...metadata.keys()]).to.deep.equal(["x-kept"]);
  });

  for (const [wire, values] of [
    ["AQID", [[1, 2, 3]]],
    ["AQ==", [[1]]],
    ["AQ", [[1]]],
    ["AQ,AgM", [[1], [2, 3]]],
    ["AQ==, AgM=", [[1], [2, 3]]],
    ["", [[]]],
  ] as const)
    it(`decodes -bin value ${JSON.stringify(wire)}`, () =>
      expect(
        metadataFromHeaders({ "k-bin": wire })
          .getAll("k-bin")
          .map((v) => [...(v as Uint8Array)]),
      ).to.deep.equal(values));

  for (const wire of ["A", "!!!", "AQ=A"])
    it(`skips the undecodable -bin value ${JSON.stringify(wire)} without failing`, () =>
      expect(metadataFromHeaders({ "k-bin": wire, other: "kept" }).has("k-bin")).to.equal(false));

  it("keeps the decodable parts of a partly broken -bin list", () =>
    expect(metadataFromHeaders({ "k-bin": "AQ,%%" }).getAll("k-bin").length).to.equal(1));

  it("keeps a legal non-ASCII (obs-text) value, as the spec asks", () =>
    expect(metadataFromHeaders({ "x-latin": "caf\xe9" }).get("x-latin")).to.equal("caf\xe9"));

  it("skips values that are not legal field values and keys that are not metadata keys", () => {
    const metadata = metadataFromHeaders({ "x-ctl": "a\x01b", "bad key": "v", "x-ok": "v" });
    expect([...metadata.keys()]).to.deep.equal(["x-ok"]);
  });

  it("takes every value of an array header", () =>
    expect(metadataFromHeaders({ "set-cookie": ["a=1", "b=2"] }).getAll("set-cookie")).to.deep.equal(["a=1", "b=2"]));

  it("round-trips through metadataToHeaders", () => {
    const metadata = new Metadata().set("x-a", "1").set("x-b-bin", new Uint8Array([9, 8, 7, 6]));
    const back = metadataFromHeaders(metadataToHeaders(metadata) as Record<string, string>);
    expect(back.toJSON()).to.deep.equal(metadata.toJSON());
  });
});
