import { toJsonValue } from "./format-value.js";
import type { TraceEvent } from "./trace-event.js";

/**
 * One event as one line of JSON (`TSGRPC_TRACE_FORMAT=json`): the event's fields, its time
 * rounded to microseconds, bytes as hex (first 32 bytes), bigints and 64-bit Longs as decimal strings.
 */
export function formatTraceJson(event: TraceEvent): string {
  return JSON.stringify(
    toJsonValue({
      time: Math.round(event.time * 1000) / 1000,
      side: event.side,
      call: event.call,
      connection: event.connection,
      method: event.method,
      layer: event.layer,
      name: event.name,
      data: event.data,
    }),
  );
}
