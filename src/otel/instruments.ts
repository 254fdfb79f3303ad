import type { Counter, Histogram, Meter, MeterProvider } from "@opentelemetry/api";
import { VERSION } from "../index.js";

/** gRFC A66 latency buckets, in seconds. */
export const LATENCY_BUCKETS_S: readonly number[] = Object.freeze([
  0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025,
  0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100,
]);

/** gRFC A66 size buckets, in bytes. */
export const SIZE_BUCKETS_BYTES: readonly number[] = Object.freeze([
  0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296,
]);

/** The name of the meter (and tracer) this package creates: the library, as gRFC A66 asks. */
export const INSTRUMENTATION_NAME = "tsgrpc";

/**
 * The histograms recorded when a call (or a client's attempt) ends: its duration and the
 * compressed message bytes it sent and received (metadata and framing excluded).
 */
export interface EndHistograms {
  readonly duration: Histogram;
  readonly sentBytes: Histogram;
  readonly receivedBytes: Histogram;
}

/** The client instruments of gRFC A66: per attempt, and per call. */
export interface ClientInstruments {
  readonly attemptStarted: Counter;
  /** grpc.client.attempt.duration, .sent_total_compressed_message_size, .rcvd_total_compressed_message_size */
  readonly attempt: EndHistograms;
  readonly callDuration: Histogram;
}

/** The server instruments of gRFC A66. */
export interface ServerInstruments {
  readonly callStarted: Counter;
  /** grpc.server.call.duration, .sent_total_compressed_message_size, .rcvd_total_compressed_message_size */
  readonly call: EndHistograms;
}

/**
 * Creates the client instruments on `provider`'s tsgrpc meter, with gRFC A66's names, units
 * and bucket boundaries (as advice: an SDK view can override them).
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md#client-per-attempt-instruments
 */
export function createClientInstruments(provider: MeterProvider): ClientInstruments {
  const meter = meterOf(provider);
  return {
    attemptStarted: meter.createCounter("grpc.client.attempt.started", {
      description: "The total number of RPC attempts started, including those that have not completed.",
      unit: "{attempt}",
    }),
    attempt: endHistograms(meter, "grpc.client.attempt", "End-to-end time taken to complete an RPC attempt.", "RPC attempt"),
    callDuration: latency(meter, "grpc.client.call.duration", "Time an RPC takes from the application's perspective."),
  };
}

/**
 * Creates the server instruments on `provider`'s tsgrpc meter (gRFC A66).
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md#server-instruments
 */
export function createServerInstruments(provider: MeterProvider): ServerInstruments {
  const meter = meterOf(provider);
  return {
    callStarted: meter.createCounter("grpc.server.call.started", {
      description: "The total number of RPCs started, including those that have not completed.",
      unit: "{call}",
    }),
    call: endHistograms(meter, "grpc.server.call", "Time an RPC takes from the server transport's perspective.", "RPC"),
  };
}

function meterOf(provider: MeterProvider): Meter {
  return provider.getMeter(INSTRUMENTATION_NAME, VERSION);
}

/**
 * `<prefix>.duration` and `<prefix>.{sent,rcvd}_total_compressed_message_size`, their byte
 * descriptions naming what they count `per` ("RPC attempt", "RPC").
 */
function endHistograms(meter: Meter, prefix: string, durationDescription: string, per: string): EndHistograms {
  return {
    duration: latency(meter, `${prefix}.duration`, durationDescription),
    sentBytes: size(
      meter,
      `${prefix}.sent_total_compressed_message_size`,
      `Compressed message bytes sent per ${per} (metadata and framing excluded).`,
    ),
    receivedBytes: size(
      meter,
      `${prefix}.rcvd_total_compressed_message_size`,
      `Compressed message bytes received per ${per} (metadata and framing excluded).`,
    ),
  };
}

function latency(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { description, unit: "s", advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_S] } });
}

function size(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { description, unit: "By", advice: { explicitBucketBoundaries: [...SIZE_BUCKETS_BYTES] } });
}
