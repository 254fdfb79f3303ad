import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from "node:http2";
import type { CheckInfo } from "./check.js";
import type { Judgement } from "./server-check.js";

/** What the client command did against one crafted response. */
export interface ClientOutcome {
  /** The status code the client printed (`<code> <message as JSON>`), or undefined when it printed none. */
  readonly code: number | undefined;
  /** The status message the client printed. */
  readonly message: string | undefined;
  /** The client's exit code (null when a signal ended it). */
  readonly exitCode: number | null;
  /** The signal that ended the client (e.g. SIGABRT: it crashed), or null. */
  readonly signal: string | null;
  /** The client ran past the check's bound and was killed. */
  readonly timedOut: boolean;
  /** How many calls (streams) reached the probe's server: more than 1 means the client retried. */
  readonly attempts: number;
  /** The last lines of the client's stderr, for the report when something went wrong. */
  readonly stderrTail: string;
}

/** What a crafted response handler gets besides the stream. */
export interface RespondContext {
  /** 1 for the first call that reaches this check's server, 2 for a retry, ... */
  readonly attempt: number;
  /** Of the connection the stream arrived on. */
  readonly session: ServerHttp2Session;
  /** 1 for the first connection to this check's server, 2 for the next, ... */
  readonly connection: number;
  /** Closes this connection's TCP socket at once, with no GOAWAY: what a crashed server looks like. */
  dropConnection(): void;
}

/** A check of the client probe: a crafted response, and the status the client must report for it. */
export interface ClientCheck extends CheckInfo {
  /** Serves one call of UnaryCall the crafted way. */
  respond(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, context: RespondContext): void;
  /** Judges what the client did. */
  judge(outcome: ClientOutcome): Judgement;
}
