import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";
import type { Metadata } from "../index.js";

/**
 * Lets a propagator read trace context (W3C `traceparent`, `tracestate`, baggage) from request
 * metadata. Binary (`-bin`) values are not text and are never handed to it.
 */
export const metadataGetter: TextMapGetter<Metadata> = {
  keys(metadata) {
    return [...metadata.keys()];
  },
  get(metadata, key) {
    const values = metadata.getAll(key.toLowerCase()).filter((value): value is string => typeof value === "string");
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
};

/**
 * Lets a propagator write trace context into request metadata; a key that is not valid gRPC
 * metadata (or is reserved) is skipped rather than failing the call.
 */
export const metadataSetter: TextMapSetter<Metadata> = {
  set(metadata, key, value) {
    try {
      metadata.set(key.toLowerCase(), value);
    } catch {
      // A propagator's header that gRPC metadata cannot carry: the trace loses that field, the call goes on.
    }
  },
};
