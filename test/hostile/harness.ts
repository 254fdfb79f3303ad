// The frame around every hostile-peer test: a target Server, a well-behaved client that keeps
// calling it during the attack (each call must succeed within 2 s), and memory sampled every
// 20 ms. With HARDEN_FIGURES=<file> set, each measured case appends one JSON line to that file
// (the figures in docs/HARDENING.md come from there).
import { expect } from "chai";
import { appendFileSync } from "node:fs";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Channel, createClient, type ServerOptions, type ServiceImplementation } from "../../src/index.js";
import { Probe, type Started, startServer } from "../e2e/server-fixtures.js";

/** What the well-behaved client and the memory sampler saw during one attack. */
export interface AttackFigures {
  /** Calls the well-behaved client completed during the attack. */
  probeCalls: number;
  /** Its slowest call, ms. */
  probeMaxMs: number;
  /** Calls that failed (each must be 0). */
  probeFailures: string[];
  /** High-water RSS and heap above what they were when the attack started, MiB. */
  rssGrowthMb: number;
  heapGrowthMb: number;
  /** Process CPU time used during the attack, ms (user + system), and the attack's wall time. */
  cpuMs: number;
  wallMs: number;
}

/** The service every target serves: echo, a bidi chat that echoes, and a client stream that counts. */
export const TARGET: ServiceImplementation = {
  async echo(request: unknown) {
    return request;
  },
  async *chat(requests: AsyncIterable<unknown>) {
    for await (const request of requests) yield request;
  },
  async collect(requests: AsyncIterable<unknown>) {
    let count = 0;
    for await (const _ of requests) count++;
    return { count };
  },
  async *list(request: { count?: number }) {
    for (let index = 0; index < (request.count ?? 1); index++) yield { index };
  },
};

/** Starts the target server with `options`. */
export function startTarget(options: ServerOptions = {}): Promise<Started> {
  return startServer(TARGET, options);
}

/** The slowest a well-behaved call may take while the server is under attack. */
export const PROBE_BOUND_MS = 2000;

/**
 * Runs `attack` against the server on `port` while a separate client calls it every 20 ms, and
 * samples memory. The attack's own loops must yield to the event loop now and then (the attacker
 * shares the process with the server), which `pace()` does.
 */
export async function underAttack(name: string, port: number, attack: () => Promise<string | undefined>): Promise<AttackFigures> {
  global.gc?.();
  const channel = new Channel(`127.0.0.1:${port}`);
  const client: any = createClient(Probe, channel);
  await client.echo({ warm: true }, { timeoutMs: 5000 });
  const baseline = process.memoryUsage();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const figures: AttackFigures = { probeCalls: 0, probeMaxMs: 0, probeFailures: [], rssGrowthMb: 0, heapGrowthMb: 0, cpuMs: 0, wallMs: 0 };
  let running = true;
  let peerSaw: string | undefined;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    figures.rssGrowthMb = Math.max(figures.rssGrowthMb, (now.rss - baseline.rss) / 2 ** 20);
    figures.heapGrowthMb = Math.max(figures.heapGrowthMb, (now.heapUsed - baseline.heapUsed) / 2 ** 20);
  }, 20);
  const probing = (async () => {
    while (running) {
      const callStarted = performance.now();
      try {
        await client.echo({ n: figures.probeCalls }, { timeoutMs: PROBE_BOUND_MS });
        figures.probeCalls++;
      } catch (error) {
        figures.probeFailures.push(String((error as Error).message));
      }
      figures.probeMaxMs = Math.max(figures.probeMaxMs, performance.now() - callStarted);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    peerSaw = await attack();
  } finally {
    figures.wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    figures.cpuMs = (cpu.user + cpu.system) / 1000;
    running = false;
    await probing;
    clearInterval(sampler);
    channel.close();
  }
  const file = process.env.HARDEN_FIGURES;
  if (file !== undefined) appendFileSync(file, `${JSON.stringify({ name, node: process.version, peerSaw, ...round(figures) })}\n`);
  return figures;
}

function round(figures: AttackFigures): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(figures).map(([key, value]) => [key, typeof value === "number" ? Math.round(value * 10) / 10 : value]),
  );
}

/** The checks every server-attack test makes on its figures. */
export function expectServed(figures: AttackFigures, memoryBoundMb = 96): void {
  expect(figures.probeFailures, "well-behaved calls failed during the attack").to.deep.equal([]);
  expect(figures.probeCalls, "the well-behaved client completed no call during the attack").to.be.greaterThan(0);
  expect(figures.probeMaxMs, "a well-behaved call took too long").to.be.lessThan(PROBE_BOUND_MS);
  expect(figures.heapGrowthMb, "heap high water above the baseline").to.be.lessThan(memoryBoundMb);
  expect(figures.rssGrowthMb, "RSS high water above the baseline").to.be.lessThan(memoryBoundMb * 2);
}

let writesSinceYield = 0;
/** Yields to the event loop every `every` calls, so an attack loop does not starve the server. */
export async function pace(every = 50): Promise<void> {
  if (++writesSinceYield % every === 0) await yieldToLoop();
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How many connections the server has open now. */
export function openConnections(started: Started): Promise<number> {
  const listener = (
    started.server as unknown as { listeners: { server: { getConnections(cb: (e: Error | null, n: number) => void): void } }[] }
  ).listeners[0]!;
  return new Promise((resolve, reject) => listener.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}
