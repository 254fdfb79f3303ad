// The traces of retried and hedged calls (gRFC A6) that test/trace/attempt-traces.test.ts pins
// and docs/LAYERS.md walks through: a traced Greeter server whose answers are scripted per call,
// and a traced channel with a retry or hedging policy.
import { Channel, type ServiceConfigJson, createClient } from "../../src/index.js";
import { Server } from "../../src/server/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import type { TraceEvent } from "../../src/trace/index.js";
import { defineService } from "../../src/service/index.js";
import { jsonCodec } from "../e2e/json-messages.js";
import { startScriptedServer } from "../retry/scripted-server.js";
import { Greeter, type HelloRequest, mask } from "./scenarios.js";

/** How the server answers call n (0-based): a status, after a delay. */
type Script = (index: number) => { code?: Code; delayMs?: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A traced Greeter server answering SayHello by `script`, and a traced channel with `serviceConfig`; runs one call. */
async function runTraced(
  script: Script,
  serviceConfig: ServiceConfigJson,
  request: HelloRequest,
): Promise<{ events: TraceEvent[]; port: number }> {
  const events: TraceEvent[] = [];
  const sink = (event: TraceEvent): void => void events.push(event);
  let calls = 0;
  const server = new Server({ trace: sink, logger: null });
  server.add(Greeter, {
    async sayHello(hello: HelloRequest) {
      const plan = script(calls++);
      if (plan.delayMs !== undefined) await sleep(plan.delayMs);
      if (plan.code !== undefined) throw new GrpcError(plan.code, "server: try again");
      return { message: `Hello ${hello.name}` };
    },
  } as never);
  const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
  const channel = new Channel(`127.0.0.1:${port}`, { trace: sink, logger: null, userAgent: "layers-guide", serviceConfig });
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the test service is built at run time
    await (createClient(Greeter, channel) as any).sayHello(request).catch(() => undefined);
    // Every server call's "end" (a hedge's comes when its handler returns after the reset).
    const ended = () => {
      const started = events.filter((event) => event.side === "server" && event.name === "start").length;
      return events.filter((event) => event.side === "server" && event.name === "end").length === started;
    };
    for (let waited = 0; !ended() && waited < 10_000; waited += 10) await sleep(10);
  } finally {
    channel.close();
    await server.forceShutdown();
  }
  return { events: events.filter((event) => event.name !== "closed"), port };
}

/** A traced channel with a retry policy to a raw server whose answers carry `grpc-retry-pushback-ms`. */
async function runPushback(pushbacks: string[]): Promise<{ events: TraceEvent[]; port: number }> {
  const events: TraceEvent[] = [];
  const scripted = await startScriptedServer((index) =>
    index < pushbacks.length ? { status: Code.Unavailable, message: "server: busy", pushback: pushbacks[index]! } : {},
  );
  const channel = new Channel(`127.0.0.1:${scripted.port}`, {
    trace: (event) => void events.push(event),
    logger: null,
    userAgent: "layers-guide",
    serviceConfig: retryPolicy(3),
  });
  try {
    await createClient(JsonGreeter, channel)
      .sayHello({ name: "pushback" })
      .catch(() => undefined);
  } finally {
    channel.close();
    await scripted.close();
  }
  return { events: events.filter((event) => event.name !== "closed"), port: scripted.port };
}

/** test.Greeter's SayHello with JSON messages, which the scripted server reads and echoes. */
const JsonGreeter = defineService("test.Greeter", { sayHello: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec } });

function retryPolicy(maxAttempts: number): ServiceConfigJson {
  return {
    methodConfig: [
      {
        name: [{ service: "test.Greeter" }],
        retryPolicy: {
          maxAttempts,
          initialBackoff: "0.01s",
          maxBackoff: "0.01s",
          backoffMultiplier: 1,
          retryableStatusCodes: ["UNAVAILABLE"],
        },
      },
    ],
  };
}

/** The scenarios by name; `clientOnly` pins only the client's events. */
export const ATTEMPT_SCENARIOS: Record<string, { run: () => Promise<{ events: TraceEvent[]; port: number }>; clientOnly: boolean }> = {
  // UNAVAILABLE, UNAVAILABLE, OK: three attempts, a backoff before each retry.
  "attempt-retried": {
    run: () => runTraced((index) => (index < 2 ? { code: Code.Unavailable } : {}), retryPolicy(3), { name: "retry" }),
    clientOnly: false,
  },
  // The first attempt answers after 400 ms; the hedge, started after 50 ms, is cancelled.
  "attempt-hedged": {
    run: () => runTraced((index) => (index === 0 ? { delayMs: 400 } : { delayMs: 1_000 }), hedgingPolicy(), { name: "hedge" }),
    clientOnly: true,
  },
  // A pushback of 20 ms, then a pushback that says stop.
  "attempt-pushback": { run: () => runPushback(["20", "-1"]), clientOnly: true },
};

function hedgingPolicy(): ServiceConfigJson {
  return {
    methodConfig: [
      {
        name: [{ service: "test.Greeter" }],
        hedgingPolicy: { maxAttempts: 2, hedgingDelay: "0.05s", nonFatalStatusCodes: ["UNAVAILABLE"] },
      },
    ],
  };
}

/** Masks what changes from run to run: times, ports, version, and the jittered backoff (gRFC A6 draws it at random). */
export function maskAttempts(text: string, port: number): string {
  return mask(text, port)
    .replace(/next attempt in \d+(\.\d+)? ms \(backoff\)/g, "next attempt in N ms (backoff)")
    .replace(/"delayMs":[\d.]+,"pushback":false/g, '"delayMs":0,"pushback":false')
    .replace(/date: [^\n]+/g, "date: (date)")
    .replace(/"date":"[^"]*"/g, '"date":"(date)"');
}
