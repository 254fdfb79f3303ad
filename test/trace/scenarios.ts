// The calls the trace tests pin and docs/LAYERS.md walks through: a protobuf test.Greeter service
// (unary, server streaming, client streaming, bidi) on a Server and a Channel that both trace into
// one list of events.
import protobuf from "protobufjs";
import { Channel, type ChannelOptions, createClient } from "../../src/client/index.js";
import { Code, GrpcError, encodeStatusDetails } from "../../src/status/index.js";
import { Server, type ServerOptions } from "../../src/server/index.js";
import { serviceFromProtobuf, type Service } from "../../src/service/index.js";
import { formatTraceJson, formatTraceText, type TraceEvent } from "../../src/trace/index.js";

const PROTO = `
syntax = "proto3";
package test;
message HelloRequest { string name = 1; int64 times = 2; }
message HelloReply { string message = 1; bytes tag = 2; }
service Greeter {
  rpc SayHello (HelloRequest) returns (HelloReply);
  rpc SayHellos (HelloRequest) returns (stream HelloReply);
  rpc CollectHellos (stream HelloRequest) returns (HelloReply);
  rpc Chat (stream HelloRequest) returns (stream HelloReply);
}`;

export interface HelloRequest {
  name: string;
  times?: number | bigint;
}
export interface HelloReply {
  message: string;
  tag?: Uint8Array;
}

// biome-ignore lint/suspicious/noExplicitAny: the test service is built at run time from the inline proto
export const Greeter: Service<any> = serviceFromProtobuf(protobuf.parse(PROTO).root.lookupService("test.Greeter"));

/** A server and a channel to it, both tracing into `events`. */
export interface TracedPair {
  server: Server;
  channel: Channel;
  port: number;
  events: TraceEvent[];
  close(): Promise<void>;
}

/** Starts a traced Greeter server on 127.0.0.1 (port 0) and a traced channel to it. */
export async function startTracedPair(serverOptions: ServerOptions = {}, channelOptions: ChannelOptions = {}): Promise<TracedPair> {
  const events: TraceEvent[] = [];
  const sink = (event: TraceEvent): void => void events.push(event);
  const server = new Server({ trace: sink, logger: null, ...serverOptions });
  server.add(Greeter, {
    sayHello(request: HelloRequest) {
      if (request.name === "")
        throw new GrpcError(Code.InvalidArgument, "server: name is empty", {
          details: encodeStatusDetails({
            code: Code.InvalidArgument,
            message: "name is empty",
            details: [{ typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: new Uint8Array([10, 6, 10, 4, 110, 97, 109, 101]) }],
          }),
        });
      if (request.name === "crash") throw new Error("boom");
      return { message: `Hello ${request.name}`, tag: new Uint8Array([1, 2, 3]) };
    },
    async *sayHellos(request: HelloRequest) {
      for (let i = 0; i < Number(request.times ?? 1); i++) yield { message: `Hello ${request.name} #${i + 1}` };
    },
    async collectHellos(requests: AsyncIterable<HelloRequest>) {
      const names: string[] = [];
      for await (const request of requests) names.push(request.name);
      return { message: `Hello ${names.join(" and ")}` };
    },
    async *chat(requests: AsyncIterable<HelloRequest>) {
      for await (const request of requests) yield { message: `Hello ${request.name}` };
    },
  });
  const bound = await server.listen({ host: "127.0.0.1", port: 0 });
  const port = bound.port!;
  const channel = new Channel(`127.0.0.1:${port}`, { trace: sink, logger: null, userAgent: "layers-guide", ...channelOptions });
  return {
    server,
    channel,
    port,
    events,
    async close() {
      channel.close();
      await server.forceShutdown();
    },
  };
}

/** Text of `events` with what changes from run to run masked: times, the port, the library version. */
export function maskedText(events: readonly TraceEvent[], port: number): string {
  return mask(events.map((event) => formatTraceText(event)).join("\n"), port);
}

/** JSON lines of `events`, masked the same way. */
export function maskedJson(events: readonly TraceEvent[], port: number): string {
  return mask(events.map((event) => formatTraceJson(event)).join("\n"), port);
}

/** Masks what changes from run to run in formatted trace text: times, the port, the library version. */
export function mask(text: string, port: number): string {
  return text
    .replace(/ +\+\d+\.\d{3}ms/g, "  +T.TTTms")
    .replace(/"time":[\d.e-]+/g, '"time":0')
    .replace(new RegExp(`:${port}\\b`, "g"), ":PORT")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(/tsgrpc\/\d+\.\d+\.\d+[\w.-]*/g, "tsgrpc/VERSION");
}

/**
 * The calls the pinned traces and docs/LAYERS.md show, by name: each runs on a fresh traced pair
 * and returns the masked text (or JSON) of every event, in the order they happened.
 */
export const SCENARIOS: Record<string, (client: GreeterClient, pair: TracedPair) => Promise<void>> = {
  async "unary-ok"(client) {
    await client.sayHello({ name: "world" });
  },
  async "unary-status-details"(client) {
    await client.sayHello({ name: "" }).catch(() => undefined);
  },
  async "unary-handler-throws"(client) {
    await client.sayHello({ name: "crash" }).catch(() => undefined);
  },
  async "server-streaming-ok"(client) {
    for await (const _ of client.sayHellos({ name: "stream", times: 2n })) void _;
  },
  async "client-streaming-ok"(client) {
    await client.collectHellos([{ name: "a" }, { name: "b" }]);
  },
  async "bidi-ok"(client) {
    for await (const _ of client.chat([{ name: "ping" }, { name: "pong" }])) void _;
  },
  async "bidi-client-cancels"(client, pair) {
    const requests = pendingAfter([{ name: "first" }]);
    for await (const _ of client.chat(requests.iterable)) break;
    await waitFor(() => pair.events.some((event) => event.side === "server" && event.name === "end"));
    requests.release();
  },
  async "unknown-method"(_client, pair) {
    const Unknown = serviceFromProtobuf(
      protobuf.parse(PROTO.replace("service Greeter", "service Missing")).root.lookupService("test.Missing"),
    );
    // biome-ignore lint/suspicious/noExplicitAny: the untyped service's client
    const missing = createClient(Unknown, pair.channel) as any;
    await missing.sayHello({ name: "nobody" }).catch(() => undefined);
  },
};

/** The scenarios whose client side alone is pinned (the server's side races the client's reset). */
export const CLIENT_ONLY_SCENARIOS: Record<string, (client: GreeterClient, pair: TracedPair) => Promise<void>> = {
  async "unary-response-over-limit"(client) {
    await client.sayHello({ name: "a name long enough to pass the limit" }, { maxReceiveMessageBytes: 16 }).catch(() => undefined);
  },
};

/** The Greeter client, untyped (the service is built at run time). */
// biome-ignore lint/suspicious/noExplicitAny: the test service is built at run time from the inline proto
export type GreeterClient = any;

/** Runs a scenario on a fresh traced pair; resolves with its events once the server's calls ended too. */
export async function runScenario(
  run: (client: GreeterClient, pair: TracedPair) => Promise<void>,
  serverOptions: ServerOptions = {},
): Promise<{ events: TraceEvent[]; port: number }> {
  const pair = await startTracedPair(serverOptions);
  try {
    await run(createClient(Greeter, pair.channel), pair);
    // The server's last events (its "end") follow the client's by a turn or two.
    const calls = new Set(pair.events.filter((event) => event.side === "server" && event.call !== undefined).map((event) => event.call));
    await waitFor(() =>
      [...calls].every((call) => pair.events.some((event) => event.side === "server" && event.call === call && event.name === "end")),
    );
  } finally {
    await pair.close();
  }
  return { events: pair.events.filter((event) => event.name !== "closed"), port: pair.port };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("trace test: timed out waiting for the trace events");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Requests that yield `items`, then wait until released (so the call stays open). */
function pendingAfter<T>(items: T[]): { iterable: AsyncIterable<T>; release(): void } {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    iterable: (async function* () {
      yield* items;
      await released;
    })(),
    release: () => release(),
  };
}

/**
 * A trace's text cut into events (a line with who, time and layer, plus its indented detail lines),
 * grouped by who and layer. Within a group the order is fixed by the protocol; between groups it
 * depends on how the event loop interleaves client and server, so comparisons use the groups.
 */
export function groupedEvents(text: string): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith(" ")) {
      if (current === undefined) throw new Error(`trace text: a detail line before any event: ${line}`);
      current[current.length - 1] += `\n${line.trimEnd()}`;
      continue;
    }
    const match = /^(\S+ (?:#\d+|conn \d+|channel))\s+\+\S+\s+(\S+)\s+(.*)$/.exec(line);
    if (match === null) throw new Error(`trace text: not an event line: ${line}`);
    const key = `${match[1]} ${match[2]}`;
    current = groups[key] ??= [];
    // SETTINGS list what this Node version sends; the pinned text keeps the frame, not its fields.
    const event = match[3]!.startsWith("< SETTINGS") ? "< SETTINGS" : match[3]!;
    // A server closing gracefully sends GOAWAY twice on Node 20 and 22 (a notice, then the last
    // stream id) and once on Node 24: the same GOAWAY repeated is compared once.
    if (event.startsWith("< GOAWAY") && current[current.length - 1] === event) continue;
    current.push(event);
  }
  return groups;
}

/** JSON lines grouped as groupedEvents groups text lines, SETTINGS fields left out (they are this Node version's). */
export function groupedJson(text: string): Record<string, unknown[]> {
  const groups: Record<string, unknown[]> = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const event = JSON.parse(line) as { side: string; call?: number; connection?: number; layer: string; name: string; data: unknown };
    const key = `${event.side} ${event.call !== undefined ? `#${event.call}` : `conn ${event.connection ?? "-"}`} ${event.layer}`;
    if (event.name === "settings-received") event.data = "(this Node version's SETTINGS)";
    (groups[key] ??= []).push(event);
  }
  return groups;
}
