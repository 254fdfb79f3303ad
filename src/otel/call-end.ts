import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api";
import { Code, GrpcError, codeName } from "../index.js";
import { ATTRIBUTES } from "./attributes.js";
import type { EndHistograms } from "./instruments.js";
import type { MessageTally } from "./span-messages.js";

/** The status code of an outcome: OK for none, a GrpcError's code, UNKNOWN for anything else. */
export function statusCodeOf(error: unknown): Code {
  return error === undefined ? Code.Ok : error instanceof GrpcError ? error.code : Code.Unknown;
}

/** "CODE: message" of a failure, for a span's status description. */
export function describeStatus(error: unknown): string {
  if (error instanceof GrpcError) return `${codeName(error.code)}: ${error.statusMessage}`;
  return `${codeName(Code.Unknown)}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Ends the span of a call or attempt (when tracing is on) with its `rpc.grpc.status_code`; a
 * `failure` (undefined: none the span should show) also sets the ERROR status, "CODE: message".
 */
export function endSpan(span: Span | undefined, code: Code, failure: unknown): void {
  if (span === undefined) return;
  span.setAttribute(ATTRIBUTES.rpcGrpcStatusCode, code);
  if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: describeStatus(failure) });
  span.end();
}

/** The attributes of an end metric: `attributes` with the `grpc.status` of `code` ("OK", "UNAVAILABLE"). */
export function withStatus(attributes: Attributes, code: Code): Attributes {
  return { ...attributes, [ATTRIBUTES.grpcStatus]: codeName(code) };
}

/** Records the end of a call or attempt: how long it took and the message bytes `tally` counted. */
export function recordEnd(histograms: EndHistograms, seconds: number, tally: MessageTally, attributes: Attributes): void {
  histograms.duration.record(seconds, attributes);
  histograms.sentBytes.record(tally.sentBytes, attributes);
  histograms.receivedBytes.record(tally.receivedBytes, attributes);
}

/** The seconds since `startMs` (a `performance.now()` reading), as the duration histograms take them. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}
