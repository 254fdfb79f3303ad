// The OpenTelemetry SDK set up for the otel tests: in-memory spans, an in-memory metric reader,
// AsyncLocalStorage as the context manager and the W3C propagator, and a JSON test service.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { type HistogramMetricData, MeterProvider, MetricReader, type MetricData, DataPointType } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { defineService, type Codec } from "../../src/index.js";

/** JSON messages: no .proto needed. */
// biome-ignore lint/suspicious/noExplicitAny: test messages are free-form JSON
export const jsonCodec: Codec<any> = {
  encode: (value: unknown) => new TextEncoder().encode(JSON.stringify(value)),
  decode: (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)),
};

/** otel.test.Echo: the four kinds, plus Relay (a unary handler that calls another server). */
export const Echo = defineService("otel.test.Echo", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  list: { kind: "server_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  collect: { kind: "client_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  relay: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

/** A MetricReader the test pulls from. */
class PullReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One test's telemetry pipeline: spans and metrics kept in memory. */
export class Telemetry {
  readonly spans = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.spans)] });
  private readonly reader = new PullReader();
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  /** The finished spans, in the order they ended. */
  finishedSpans(): ReadableSpan[] {
    return this.spans.getFinishedSpans();
  }

  /** The finished span named `name`; fails unless there is exactly one. */
  span(name: string): ReadableSpan {
    const found = this.finishedSpans().filter((span) => span.name === name);
    if (found.length !== 1) throw new Error(`${found.length} spans named ${name}: ${this.finishedSpans().map((s) => s.name)}`);
    return found[0]!;
  }

  /** Every metric collected now, by name. */
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw errors[0];
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    return byName;
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}

/** The data points of a histogram metric, as { attributes, count, sum, boundaries }. */
export function histogramPoints(metric: MetricData | undefined) {
  if (metric === undefined) throw new Error("no such metric");
  if (metric.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${metric.descriptor.name} is not a histogram`);
  return (metric as HistogramMetricData).dataPoints.map((point) => ({
    attributes: point.attributes,
    count: point.value.count,
    sum: point.value.sum,
    boundaries: point.value.buckets.boundaries,
  }));
}

/** The data points of a counter, as { attributes, value }. */
export function counterPoints(metric: MetricData | undefined) {
  if (metric === undefined) throw new Error("no such metric");
  if (metric.dataPointType !== DataPointType.SUM) throw new Error(`${metric.descriptor.name} is not a counter`);
  return metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value as number }));
}

/** Installs the global context manager and W3C propagator for a describe block; removes them after. */
export function useGlobalContext(): void {
  let manager: AsyncLocalStorageContextManager;
  before(() => {
    manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  after(() => {
    manager.disable();
    context.disable();
    propagation.disable();
    trace.disable();
  });
}
