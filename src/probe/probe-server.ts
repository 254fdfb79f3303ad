import type { ClientHttp2Session } from "node:http2";
import { matchesOnly, type CheckResult, type ProbeReport } from "./check.js";
import { exchange, grpcHeaders, openSession, type ProbeTarget } from "./exchange.js";
import { runChecks } from "./run-checks.js";
import type { ServerCheck, ServerProbeContext } from "./server-check.js";
import { SERVER_CHECKS } from "./server-checks.js";

/** Options of the server probe. */
export interface ServerProbeOptions {
  /** Only the checks whose id matches (`*` wildcards, comma-separated patterns). */
  readonly only?: string;
  /** How long a check waits for an answer, in milliseconds (default 5000). */
  readonly waitMs?: number;
  /** Checks run at once (default 4). */
  readonly concurrency?: number;
  /** Called with each result as it is known (progress output). */
  readonly onResult?: (result: CheckResult) => void;
  /** The checks to run (default: all of SERVER_CHECKS). */
  readonly checks?: readonly ServerCheck[];
}

const SERVICE = "/grpc.testing.TestService/";

/**
 * Runs the server probe: crafted HTTP/2 requests, on connections of its own, to a server of
 * grpc.testing.TestService at `target`. Never hangs: every check has a time bound.
 */
export async function probeServer(target: ProbeTarget, options: ServerProbeOptions = {}): Promise<ProbeReport> {
  const startedAt = new Date().toISOString();
  const waitMs = options.waitMs ?? 5000;
  const checks = (options.checks ?? SERVER_CHECKS).filter((check) => matchesOnly(check.id, options.only));
  const results = await runChecks(
    checks,
    async (check) => {
      const sessions: ClientHttp2Session[] = [];
      const session = async (): Promise<ClientHttp2Session> => {
        const opened = await openSession(target, waitMs);
        sessions.push(opened);
        return opened;
      };
      const context: ServerProbeContext = {
        target,
        waitMs,
        headers: (method, extra) => grpcHeaders(target, method.startsWith("/") ? method : SERVICE + method, extra),
        session,
        send: async (request) => exchange(await session(), { ...request, waitMs: request.waitMs ?? waitMs }),
      };
      try {
        return await check.run(context);
      } finally {
        for (const opened of sessions) opened.destroy();
      }
    },
    {
      concurrency: options.concurrency ?? 4,
      limitMs: waitMs * 3 + 5000,
      ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
    },
  );
  return { side: "server", subject: target.url, startedAt, results };
}
