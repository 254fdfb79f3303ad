// A single-valued key (authorization, user-agent, ...) takes one value: a second one is the
// caller's mistake, a TypeError before anything is sent, whether the application adds it or call
// credentials supply it on top of the call's metadata. Keys gRPC reserves cannot be set at all.
import { expect } from "chai";
import { Channel, Metadata, createClient, type CallCredentials, type MetadataInit } from "../../src/index.js";
import { SINGLE_VALUED_KEYS } from "../../src/metadata/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { clientTls, serverTls, startProbe } from "./tls-fixtures.js";

describe("auth: single-valued metadata keys", () => {
  describe("Metadata", () => {
    for (const key of ["authorization", "user-agent", "proxy-authorization"])
      it(`a second ${key} value is a TypeError naming the key; set() replaces it`, () => {
        const metadata = new Metadata().add(key, "one");
        expect(() => metadata.add(key, "two")).to.throw(
          TypeError,
          `metadata: key "${key}" takes a single value (HTTP sends it once per header block) and already has one; use set() to replace it`,
        );
        expect(metadata.getAll(key)).to.deep.equal(["one"]);
        expect(metadata.set(key, "two").getAll(key)).to.deep.equal(["two"]);
      });

    it("is case-insensitive, and from() and merge() follow the same rule", () => {
      expect(() => new Metadata().add("Authorization", "a").add("AUTHORIZATION", "b")).to.throw(
        TypeError,
        /"authorization" takes a single value/,
      );
      expect(() => Metadata.from({ authorization: ["a", "b"] } as unknown as MetadataInit)).to.throw(TypeError, /"authorization"/);
      expect(() => new Metadata().set("authorization", "a").merge(new Metadata().set("authorization", "b"))).to.throw(TypeError);
    });

    it("leaves every other key multi-valued", () => {
      expect(new Metadata().add("x-token", "a").add("x-token", "b").getAll("x-token")).to.deep.equal(["a", "b"]);
      expect(new Metadata().add("cookie", "a=1").add("cookie", "b=2").getAll("cookie")).to.deep.equal(["a=1", "b=2"]);
    });

    it("lists only keys that are legal, unreserved metadata keys", () => {
      for (const key of SINGLE_VALUED_KEYS) expect(() => new Metadata().set(key, "v"), key).not.to.throw();
    });

    for (const key of ["content-type", "te", "grpc-timeout", "grpc-encoding", "host"])
      it(`${key} is reserved by gRPC: a TypeError even for one value`, () => {
        expect(() => new Metadata().set(key, "v")).to.throw(TypeError, `metadata: key "${key}" is reserved by gRPC`);
      });
  });

  describe("call credentials adding a second authorization", () => {
    let started: Awaited<ReturnType<typeof startProbe>>;
    let calls = 0;
    before(async () => {
      started = await startProbe(
        {
          async echo() {
            calls++;
            return {};
          },
        },
        serverTls(),
      );
    });
    after(() => started.server.forceShutdown());

    it("rejects the call with a TypeError naming the credentials and the key; nothing reaches the server", async () => {
      const bearer: CallCredentials = () => new Metadata().set("authorization", "Bearer from-credentials");
      const channel = new Channel(`127.0.0.1:${started.port}`, {
        tls: { ...clientTls(), serverNameOverride: "localhost" },
        callCredentials: bearer,
      });
      try {
        const client = createClient(Probe, channel);
        const before = calls;
        const error = await client.echo!({}, { metadata: new Metadata().set("authorization", "Bearer by-hand"), timeoutMs: 10_000 }).catch(
          (failure: unknown) => failure,
        );
        expect(error).to.be.instanceOf(TypeError);
        expect((error as Error).message).to.equal(
          `credentials: the channel's call credentials supplied metadata the call cannot send: metadata: key "authorization" takes a single value (HTTP sends it once per header block) and already has one; use set() to replace it`,
        );
        expect(calls).to.equal(before);
        // The same channel serves a call whose only authorization comes from the credentials.
        expect(await client.echo!({}, { timeoutMs: 10_000 })).to.deep.equal({});
        expect(calls).to.equal(before + 1);
      } finally {
        channel.close();
      }
    });
  });
});
