import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as protocol from "../src/protocol.js";
import { Code } from "../src/status/index.js";

// dist/test/ → project root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("tsgrpc/protocol", () => {
  it("is a subpath export of the package, pointing at src/protocol.ts's output", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, Record<string, string>> };
    expect(manifest.exports["./protocol"]).to.deep.equal({ types: "./dist/src/protocol.d.ts", default: "./dist/src/protocol.js" });
  });

  it("resolves as tsgrpc/protocol to the same module (the package's own exports map)", async () => {
    const specifier: string = "tsgrpc/protocol"; // a variable, so tsc does not resolve it before dist/ exists
    const viaPackage = (await import(specifier)) as typeof protocol;
    expect(viaPackage.FrameDecoder).to.equal(protocol.FrameDecoder);
    expect(Object.keys(viaPackage).sort()).to.deep.equal(Object.keys(protocol).sort());
  });

  it("exports each protocol layer", () => {
    for (const name of [
      "Metadata",
      "metadataToHeaders",
      "metadataFromHeaders",
      "decodeBinaryHeader",
      "Code",
      "parseStatusCode",
      "encodeStatusMessage",
      "decodeStatusMessage",
      "encodeStatusDetails",
      "decodeStatusDetails",
      "codeFromHttpStatus",
      "codeFromRstCode",
      "HTTP2_ERROR_CODES",
      "parseTimeout",
      "formatTimeout",
      "deadlineSignal",
      "encodeFrame",
      "FrameDecoder",
      "readFrames",
      "identity",
      "encodeMessage",
      "decodeMessage",
      "readMessages",
      "writeMessages",
      "expectSingle",
      "trailersFromStatus",
      "statusFromTrailers",
    ])
      expect(protocol, name).to.have.property(name);
  });

  describe("README.md, The protocol layers", () => {
    it("shows examples/protocol/tour.ts as it is", () => {
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const section = readme.slice(readme.indexOf("## The protocol layers"));
      const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
      const example = readFileSync(join(ROOT, "examples", "protocol", "tour.ts"), "utf8")
        .replace('"../../src/protocol.js"', '"tsgrpc/protocol"')
        .split("\n")
        .filter((line, index) => !(index < 2 && line.startsWith("//")))
        .join("\n")
        .replace(/^\n+/, "");
      expect(block).to.equal(example);
    });

    it("gives the values its comments promise", async () => {
      const tour = await import("../examples/protocol/tour.js");
      expect(tour.frames).to.have.length(1);
      expect(new TextDecoder().decode(tour.frames[0]!.payload)).to.equal("hello");
      expect(tour.received.map((message) => message.length)).to.deep.equal([3, 1000]);
      expect(tour.grpcMessage).to.equal("50%25 done %E2%9C%93");
      expect(tour.statusMessage).to.equal("50% done ✓");
      expect(tour.grpcTimeout).to.equal("1500000u");
      expect(tour.timeoutMs).to.equal(2000);
      expect(tour.headers).to.deep.equal({ "trace-id": "abc", "blob-bin": "AQI" });
      expect(tour.fromHttp).to.equal(Code.Unavailable);
      expect(tour.fromReset).to.equal(Code.Unavailable);
      expect(tour.isRetryable).to.equal(true);
    });
  });
});
