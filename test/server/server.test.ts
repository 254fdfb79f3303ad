import { expect } from "chai";
import { Server } from "../../src/server/index.js";

describe("server/Server options", () => {
  for (const options of [{ maxReceiveMessageBytes: -1 }, { maxSendMessageBytes: Number.NaN }, { maxTimeoutMs: -5 }])
    it(`rejects ${JSON.stringify(options)}`, () => expect(() => new Server(options)).to.throw(RangeError));

  it("rejects a responseCompression it does not have", () =>
    expect(() => new Server({ responseCompression: "snappy" })).to.throw(RangeError, /snappy/));

  it("accepts documented values", () => {
    expect(() => new Server({ maxReceiveMessageBytes: Infinity, maxTimeoutMs: 0, responseCompression: "gzip" })).not.to.throw();
    expect(() => new Server({ responseCompression: "identity" })).not.to.throw();
  });

  it("shuts down cleanly without ever listening", async () => {
    const server = new Server();
    await server.shutdown();
    await server.forceShutdown();
  });
});
