import type { ClientHttp2Session, OutgoingHttpHeaders } from "node:http2";
import type { CheckInfo, Verdict } from "./check.js";
import type { Exchange, ProbeTarget } from "./exchange.js";

/** A check's judgement before the runner adds its identity and timing. */
export interface Judgement {
  readonly verdict: Verdict;
  readonly observed: string;
  readonly note?: string;
}

/** What a server check gets: the target and ways to send crafted requests, each bounded in time. */
export interface ServerProbeContext {
  readonly target: ProbeTarget;
  /** Request headers for a call of `method` on grpc.testing.TestService (or a full `/pkg.Service/Method` path). */
  headers(method: string, extra?: Record<string, string | string[] | undefined>): OutgoingHttpHeaders;
  /** Sends one crafted request on a fresh connection. */
  send(request: {
    headers: OutgoingHttpHeaders;
    frames?: readonly Buffer[];
    gapMs?: number;
    endStream?: boolean;
    waitMs?: number;
  }): Promise<Exchange>;
  /** A fresh connection of the check's own; the runner closes it when the check ends. */
  session(): Promise<ClientHttp2Session>;
  /** The default wait for an answer, in milliseconds. */
  readonly waitMs: number;
}

/** A check of the server probe. */
export interface ServerCheck extends CheckInfo {
  run(context: ServerProbeContext): Promise<Judgement>;
}
