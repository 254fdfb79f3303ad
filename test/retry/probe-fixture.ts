// What the service-config and retry tests share: test.Probe, method configs for it, and a
// scripted server with a channel to it, closed after each test.
import { type Channel, type ServiceConfigJson, createClient } from "../../src/index.js";
import { defineService } from "../../src/service/index.js";
import { jsonCodec } from "../e2e/json-messages.js";
import { type Answer, type ScriptedServer, type SeenAttempt, startScriptedServer } from "./scripted-server.js";

/** test.Probe with JSON messages, typed so the client's methods are known. */
export const Probe = defineService("test.Probe", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  list: { kind: "server_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  collect: { kind: "client_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

/** A service config with one method config for all of test.Probe. */
export const methodConfig = (entry: Record<string, unknown>): ServiceConfigJson => ({
  methodConfig: [{ name: [{ service: "test.Probe" }], ...entry }],
});

/** A retry policy for test.Probe: 4 attempts, 10-50 ms backoff, on UNAVAILABLE, unless `policy` says otherwise. */
export function retryConfig(policy: Record<string, unknown> = {}, extra: ServiceConfigJson = {}): ServiceConfigJson {
  return {
    ...methodConfig({
      retryPolicy: {
        maxAttempts: 4,
        initialBackoff: "0.01s",
        maxBackoff: "0.05s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
        ...policy,
      },
    }),
    ...extra,
  };
}

/** `items` as a request stream; counts in `pulls` how many the call took. */
export async function* requestsOf<T>(items: T[], pulls?: { count: number }): AsyncIterable<T> {
  for (const item of items) {
    if (pulls !== undefined) pulls.count++;
    yield item;
  }
}

/** The server and channel of the running test (closed and cleared after it). */
export interface ScriptedProbe {
  server: ScriptedServer | undefined;
  channel: Channel | undefined;
  /** Starts a server answering by `script`, opens `channelTo(server)`, and returns a Probe client on it. */
  start(
    script: (index: number, attempt: SeenAttempt) => Answer,
    channelTo: (server: ScriptedServer) => Channel,
  ): Promise<ReturnType<typeof createClient<typeof Probe>>>;
}

/** Adds an afterEach to the current describe block that closes the test's channel and server. */
export function scriptedProbe(): ScriptedProbe {
  const probe: ScriptedProbe = {
    server: undefined,
    channel: undefined,
    async start(script, channelTo) {
      const server = await startScriptedServer(script);
      probe.server = server;
      probe.channel = channelTo(server);
      return createClient(Probe, probe.channel);
    },
  };
  afterEach(async () => {
    probe.channel?.close();
    await probe.server?.close();
    probe.channel = probe.server = undefined;
  });
  return probe;
}
