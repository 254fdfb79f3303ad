// A raw node:http2 gRPC server for the retry tests: each attempt's answer is scripted, so a test
// can send any status, pushback, headers-then-error or delay, and see every attempt's headers.
import http2 from "node:http2";
import { frame, unframe } from "../e2e/server-fixtures.js";

/** What one attempt saw: its request headers and the messages that arrived before its answer. */
export interface SeenAttempt {
  headers: http2.IncomingHttpHeaders;
  messages: unknown[];
  /** True when the client reset the stream (a lost hedge, a cancel). */
  reset: boolean;
}

/** How to answer one attempt. */
export interface Answer {
  /** A status code other than 0 fails the attempt; default 0. */
  status?: number;
  message?: string;
  /** A grpc-retry-pushback-ms trailer. */
  pushback?: string;
  /** Send response headers first (the call commits), then fail or answer. */
  headersFirst?: boolean;
  /** Responses to send with status 0 (default: each request echoed). */
  responses?: unknown[];
  /** Wait before answering. */
  delayMs?: number;
}

/** A started scripted server. */
export interface ScriptedServer {
  port: number;
  attempts: SeenAttempt[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 that answers attempt n (0-based, across all calls) with `script(n, attempt)`. */
export async function startScriptedServer(script: (index: number, attempt: SeenAttempt) => Answer): Promise<ScriptedServer> {
  const attempts: SeenAttempt[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    const seen: SeenAttempt = { headers, messages: [], reset: false };
    const index = attempts.push(seen) - 1;
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => undefined);
    stream.on("close", () => {
      if (stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) seen.reset = true;
    });
    const answer = (): void => {
      seen.messages = unframe(Buffer.concat(chunks)).map((message) => JSON.parse(message.payload.toString()));
      const plan = script(index, seen);
      const respond = (): void => {
        if (stream.closed || stream.destroyed) return;
        const trailers: http2.OutgoingHttpHeaders = { "grpc-status": String(plan.status ?? 0) };
        if (plan.message !== undefined) trailers["grpc-message"] = plan.message;
        if (plan.pushback !== undefined) trailers["grpc-retry-pushback-ms"] = plan.pushback;
        if ((plan.status ?? 0) !== 0 && plan.headersFirst !== true) {
          stream.respond({ ":status": 200, "content-type": "application/grpc", ...trailers }, { endStream: true });
          return;
        }
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers(trailers));
        if ((plan.status ?? 0) === 0) for (const response of plan.responses ?? seen.messages) stream.write(frame(response));
        stream.end();
      };
      if (plan.delayMs === undefined) respond();
      else setTimeout(respond, plan.delayMs);
    };
    stream.on("end", answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
