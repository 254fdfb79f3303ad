import { constants, type ClientHttp2Session } from "node:http2";
import { exchange } from "./exchange.js";
import { describeExchange, grpcStatus } from "./observe.js";
import type { Judgement, ServerCheck, ServerProbeContext } from "./server-check.js";
import { lengthPrefixed, sleepingStreamingRequest, streamingInputRequest } from "./wire.js";

const EMPTY = lengthPrefixed(Buffer.alloc(0));

/** Checks of streams and the connection: resets, GOAWAY, PING, concurrency. */
export const CONNECTION_CHECKS: readonly ServerCheck[] = [
  {
    id: "stream/rst-cancel-mid-message",
    title: "RST_STREAM(CANCEL) in the middle of a request message: the connection still serves calls",
    requirement: "ROBUSTNESS",
    source: {
      document: "PROTOCOL-HTTP2.md",
      section: "Client Cancellation",
      quote: "Client cancellation is performed by the client sending RST_STREAM with CANCEL error code.",
    },
    run: async (context) => {
      const session = await context.session();
      const half = lengthPrefixed(streamingInputRequest(100)).subarray(0, 50);
      const stream = session.request(context.headers("StreamingInputCall"), { endStream: false });
      // 'error' is always followed by 'close'; the reset is the probe's own doing.
      stream.on("error", () => {});
      stream.write(half);
      await new Promise((done) => setTimeout(done, 100));
      stream.close(constants.NGHTTP2_CANCEL);
      return stillServes(session, context);
    },
  },
  {
    id: "stream/rst-cancel-while-handling",
    title: "RST_STREAM(CANCEL) while the server handles a call: the connection still serves calls",
    requirement: "ROBUSTNESS",
    source: {
      document: "PROTOCOL-HTTP2.md",
      section: "Errors",
      quote: "RPC runtime implementations should interpret RST_STREAM as immediate full-closure of the stream",
    },
    run: async (context) => {
      const session = await context.session();
      const stream = session.request(context.headers("StreamingOutputCall"), { endStream: false });
      // 'error' is always followed by 'close'; the reset is the probe's own doing.
      stream.on("error", () => {});
      stream.end(lengthPrefixed(sleepingStreamingRequest(2_000_000)));
      await new Promise((done) => setTimeout(done, 200));
      stream.close(constants.NGHTTP2_CANCEL);
      return stillServes(session, context);
    },
  },
  {
    id: "connection/client-goaway",
    title: "the client sends GOAWAY during a call: the call in flight still completes",
    requirement: "ROBUSTNESS",
    source: {
      document: "RFC 9113",
      section: "6.8 GOAWAY",
      quote: "Activity on streams numbered lower than or equal to the last stream identifier might still complete successfully.",
    },
    run: async (context) => {
      const session = await context.session();
      const pending = exchange(session, {
        headers: context.headers("StreamingOutputCall"),
        frames: [lengthPrefixed(sleepingStreamingRequest(300_000))],
        waitMs: context.waitMs,
      });
      await new Promise((done) => setTimeout(done, 100));
      session.goaway(constants.NGHTTP2_NO_ERROR, 0);
      const answer = await pending;
      const observed = describeExchange(answer);
      return grpcStatus(answer) === 0
        ? { verdict: "PASS", observed }
        : { verdict: "FAIL", observed, note: "the call did not complete after the client's GOAWAY" };
    },
  },
  {
    id: "connection/ping",
    title: "PING: acknowledged",
    requirement: "MUST",
    source: {
      document: "RFC 9113",
      section: "6.7 PING",
      quote: "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK flag set in response",
    },
    run: async (context) => {
      const session = await context.session();
      const result = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve("no PING ACK in time"), context.waitMs);
        session.ping(Buffer.from("tsgrpc!!"), (error, durationMs) => {
          clearTimeout(timer);
          resolve(error === null ? `PING ACK after ${Math.round(durationMs)} ms` : `PING failed: ${error.message}`);
        });
      });
      return { verdict: result.startsWith("PING ACK") ? "PASS" : "FAIL", observed: result };
    },
  },
  {
    id: "connection/concurrent-calls",
    title: "50 EmptyCalls at once on one connection: all succeed",
    requirement: "ROBUSTNESS",
    source: {
      document: "PROTOCOL-HTTP2.md",
      section: "Stream Identification",
      quote: "All GRPC calls need to specify an internal ID. We will use HTTP2 stream-ids as call identifiers in this scheme.",
    },
    run: async (context) => {
      const session = await context.session();
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          exchange(session, { headers: context.headers("EmptyCall"), frames: [EMPTY], waitMs: context.waitMs }),
        ),
      );
      const failed = answers.filter((answer) => grpcStatus(answer) !== 0);
      const observed = `${answers.length - failed.length} of ${answers.length} OK`;
      return failed.length === 0
        ? { verdict: "PASS", observed }
        : { verdict: "FAIL", observed: `${observed}; first failure: ${describeExchange(failed[0]!)}` };
    },
  },
];

/** The verdict of a check that reset a stream: PASS when the same connection then serves an EmptyCall. */
async function stillServes(session: ClientHttp2Session, context: ServerProbeContext): Promise<Judgement> {
  const after = await exchange(session, { headers: context.headers("EmptyCall"), frames: [EMPTY], waitMs: context.waitMs });
  const observed = `after the reset, EmptyCall: ${describeExchange(after)}`;
  return grpcStatus(after) === 0
    ? { verdict: "PASS", observed }
    : { verdict: "FAIL", observed, note: "the connection no longer serves calls" };
}
