// Per-call credentials: metadata supplied for each call by the channel's and the call's
// credentials, refused over plaintext, and every failure a clear status.
import { expect } from "chai";
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  composeCallCredentials,
  createClient,
  type CallCredentials,
  type CallCredentialsContext,
  type ChannelOptions,
  type Server,
  type ServerContext,
} from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { clientTls, serverTls, startProbe } from "./tls-fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What each handler saw: the credential metadata of its request. */
const seen: { tokens: string[]; calls: number; remainingMs: number | undefined } = { tokens: [], calls: 0, remainingMs: undefined };

function record(ctx: ServerContext): string[] {
  seen.calls++;
  seen.remainingMs = ctx.deadline === undefined ? undefined : ctx.deadline - Date.now();
  // Several values of one key arrive joined with ", " (HTTP field semantics); split them back.
  seen.tokens = [...ctx.metadata.getAll("authorization"), ...ctx.metadata.getAll("x-token")].flatMap((value) => String(value).split(", "));
  return seen.tokens;
}

const implementation = {
  async echo(_request: unknown, ctx: ServerContext) {
    return { tokens: record(ctx) };
  },
  async *list(_request: unknown, ctx: ServerContext) {
    yield { tokens: record(ctx) };
  },
  async collect(requests: AsyncIterable<unknown>, ctx: ServerContext) {
    for await (const _ of requests);
    return { tokens: record(ctx) };
  },
  async *chat(requests: AsyncIterable<unknown>, ctx: ServerContext) {
    for await (const _ of requests) yield { tokens: record(ctx) };
  },
};

const token =
  (value: string): CallCredentials =>
  () =>
    new Metadata().add("x-token", `Bearer ${value}`);

async function failure(promise: Promise<unknown>): Promise<GrpcError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the call should fail").to.be.instanceOf(GrpcError);
  return error as GrpcError;
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

describe("auth: per-call credentials", () => {
  let tls: { server: Server; port: number };
  let plain: { server: Server; port: number };
  const channels: Channel[] = [];

  function secureChannel(options: ChannelOptions = {}): Channel {
    const channel = new Channel(`127.0.0.1:${tls.port}`, { tls: { ...clientTls(), serverNameOverride: "localhost" }, ...options });
    channels.push(channel);
    return channel;
  }

  function plainChannel(options: ChannelOptions = {}): Channel {
    const channel = new Channel(`127.0.0.1:${plain.port}`, options);
    channels.push(channel);
    return channel;
  }

  before(async () => {
    tls = await startProbe(implementation, serverTls());
    plain = await startProbe(implementation);
  });
  beforeEach(() => {
    seen.calls = 0;
    seen.tokens = [];
  });
  afterEach(() => {
    for (const channel of channels.splice(0)) channel.close();
  });
  after(async () => {
    await tls.server.forceShutdown();
    await plain.server.forceShutdown();
  });

  it("sends the channel's credentials, refreshed asynchronously, on every call", async () => {
    let generation = 0;
    const channel = secureChannel({
      callCredentials: async ({ signal }) => {
        await sleep(5);
        signal.throwIfAborted();
        return new Metadata().set("authorization", `Bearer t${++generation}`);
      },
    });
    const client = createClient(Probe, channel);
    expect(await client.echo!({})).to.deep.equal({ tokens: ["Bearer t1"] });
    expect(await client.echo!({})).to.deep.equal({ tokens: ["Bearer t2"] });
  });

  it("runs the channel's credentials, then the call's, and keeps the call's own metadata", async () => {
    const client = createClient(Probe, secureChannel({ callCredentials: token("channel") }));
    const own = new Metadata().set("x-token", "Bearer own");
    expect(await client.echo!({}, { metadata: own, callCredentials: token("call") })).to.deep.equal({
      tokens: ["Bearer own", "Bearer channel", "Bearer call"],
    });
    // The caller's Metadata object is not changed.
    expect(own.getAll("x-token")).to.deep.equal(["Bearer own"]);
  });

  it("tells the credentials the service URL, method, authority, deadline and a signal", async () => {
    let context: CallCredentialsContext | undefined;
    const before = Date.now();
    await createClient(Probe, secureChannel()).echo!(
      {},
      {
        timeoutMs: 30_000,
        callCredentials: async (given) => {
          context = given;
          await sleep(2_000);
          return new Metadata();
        },
      },
    );
    expect(context!.serviceUrl).to.equal("https://localhost/test.Probe");
    expect(context!.methodPath).to.equal("/test.Probe/Echo");
    expect(context!.authority).to.equal("localhost");
    expect(context!.deadline).to.be.within(before + 30_000, Date.now() + 30_000);
    expect(context!.signal.aborted).to.equal(false);
    // The time the credentials take comes out of the call's budget: the server is told what is left.
    expect(seen.remainingMs).to.be.below(28_500);
  });

  it("applies to all four kinds of call", async () => {
    const client = createClient(Probe, secureChannel({ callCredentials: token("c") }));
    const options = { callCredentials: composeCallCredentials(token("x"), token("y")) };
    expect(await drain(client.list!({}, options) as AsyncIterable<unknown>)).to.deep.equal([
      { tokens: ["Bearer c", "Bearer x", "Bearer y"] },
    ]);
    expect(await client.collect!([{}, {}], options)).to.deep.equal({ tokens: ["Bearer c", "Bearer x", "Bearer y"] });
    expect(await drain(client.chat!([{}], options) as AsyncIterable<unknown>)).to.deep.equal([
      { tokens: ["Bearer c", "Bearer x", "Bearer y"] },
    ]);
  });

  describe("over plaintext", () => {
    it("a channel with call credentials is a TypeError at construction", () => {
      expect(() => new Channel(`127.0.0.1:${plain.port}`, { callCredentials: token("t") })).to.throw(TypeError, /need a TLS channel/);
    });

    it("a call with credentials fails UNAUTHENTICATED and nothing is sent", async () => {
      const client = createClient(Probe, plainChannel());
      const error = await failure(client.echo!({}, { callCredentials: token("t") }));
      expect(error.code).to.equal(Code.Unauthenticated);
      expect(error.statusMessage).to.match(/^credentials: the call's call credentials need a TLS channel/);
      const streaming = await failure(drain(client.list!({}, { callCredentials: token("t") }) as AsyncIterable<unknown>));
      expect(streaming.code).to.equal(Code.Unauthenticated);
      expect(seen.calls).to.equal(0);
    });

    it("allowInsecureCallCredentials sends them anyway", async () => {
      const client = createClient(Probe, plainChannel({ callCredentials: token("a"), allowInsecureCallCredentials: true }));
      expect(await client.echo!({}, { callCredentials: token("b") })).to.deep.equal({ tokens: ["Bearer a", "Bearer b"] });
    });
  });

  describe("failures", () => {
    const cases: [string, CallCredentials, Code, RegExp][] = [
      [
        "a throwing function is UNAUTHENTICATED, naming the credentials",
        () => {
          throw new Error("token file missing");
        },
        Code.Unauthenticated,
        /^credentials: the (channel|call)'s call credentials failed: token file missing$/,
      ],
      [
        "a rejecting function is UNAUTHENTICATED",
        async () => {
          throw new Error("token server said 500");
        },
        Code.Unauthenticated,
        /failed: token server said 500$/,
      ],
      [
        "a GrpcError keeps its code (UNAVAILABLE: try again)",
        async () => {
          throw new GrpcError(Code.Unavailable, "token server down");
        },
        Code.Unavailable,
        /^token server down$/,
      ],
      [
        "a code reserved for applications becomes INTERNAL (gRFC A54)",
        async () => {
          throw new GrpcError(Code.NotFound, "no such key");
        },
        Code.Internal,
        /failed with NOT_FOUND, a code reserved for applications \(gRFC A54\): no such key$/,
      ],
      [
        "something other than Metadata is UNAUTHENTICATED",
        (() => ({ authorization: "x" })) as never,
        Code.Unauthenticated,
        /returned object, not Metadata$/,
      ],
    ];
    for (const [name, credentials, code, message] of cases) {
      it(`${name} (channel's and call's, unary and streaming)`, async () => {
        const onChannel = createClient(Probe, secureChannel({ callCredentials: credentials }));
        const onCall = createClient(Probe, secureChannel());
        for (const error of [
          await failure(onChannel.echo!({})),
          await failure(onCall.echo!({}, { callCredentials: credentials })),
          await failure(drain(onChannel.chat!([{}]) as AsyncIterable<unknown>)),
          await failure(onCall.collect!([{}], { callCredentials: credentials })),
        ]) {
          expect(error.code).to.equal(code);
          expect(error.statusMessage).to.match(message);
        }
        expect(seen.calls, "the handler never runs").to.equal(0);
      });
    }

    it("names which credentials failed", async () => {
      const error = await failure(
        createClient(Probe, secureChannel({ callCredentials: token("ok") })).echo!(
          {},
          {
            callCredentials: () => {
              throw new Error("expired");
            },
          },
        ),
      );
      expect(error.statusMessage).to.equal("credentials: the call's call credentials failed: expired");
    });

    it("the call's deadline bounds credentials that never answer: DEADLINE_EXCEEDED, their signal aborted", async () => {
      let signal: AbortSignal | undefined;
      const hanging: CallCredentials = (context) => {
        signal = context.signal;
        return new Promise<Metadata>(() => undefined);
      };
      const error = await failure(createClient(Probe, secureChannel()).echo!({}, { timeoutMs: 50, callCredentials: hanging }));
      expect(error.code).to.equal(Code.DeadlineExceeded);
      expect(error.statusMessage).to.equal("deadline: exceeded while the call's call credentials were running");
      expect(signal!.aborted).to.equal(true);
      const streaming = await failure(
        drain(createClient(Probe, secureChannel()).list!({}, { timeoutMs: 50, callCredentials: hanging }) as AsyncIterable<unknown>),
      );
      expect(streaming.code).to.equal(Code.DeadlineExceeded);
      expect(seen.calls).to.equal(0);
    });

    it("cancelling the call cancels the wait: CANCELLED, and credentials that gave up because of it report the cancel", async () => {
      const controller = new AbortController();
      const giving: CallCredentials = ({ signal }) =>
        new Promise<Metadata>((_, reject) => signal.addEventListener("abort", () => reject(new Error("fetch aborted"))));
      const pending = failure(createClient(Probe, secureChannel()).echo!({}, { signal: controller.signal, callCredentials: giving }));
      await sleep(20);
      controller.abort();
      const error = await pending;
      expect(error.code).to.equal(Code.Cancelled);
      expect(seen.calls).to.equal(0);
    });

    it("an already expired call does not run the credentials", async () => {
      let ran = false;
      const error = await failure(
        createClient(Probe, secureChannel()).echo!(
          {},
          {
            deadline: Date.now() - 1,
            callCredentials: () => {
              ran = true;
              return new Metadata();
            },
          },
        ),
      );
      expect(error.code).to.equal(Code.DeadlineExceeded);
      expect(ran).to.equal(false);
    });
  });
});
