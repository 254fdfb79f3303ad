// The protocol tracer and the logger: trace events, the TSGRPC_TRACE filter, text and JSON
// formats, sinks, and the per-call and per-connection traces the http2, client and server
// layers emit into. Nothing here knows a socket or a codec: the layers hand it what they saw.
export { TRACE_LAYERS, httpTraceLayer, type TraceEvent, type TraceLayer, type TraceSide, type TraceSink } from "./trace-event.js";
export { TRACE_EVERYTHING, filterMatchesMethod, parseTraceFilter, type TraceFilter } from "./trace-filter.js";
export { HEX_PREVIEW_BYTES, formatValue, hexPreview, toJsonValue } from "./format-value.js";
export { describeTraceEvent, formatTraceText, type TextFormatOptions } from "./format-text.js";
export { formatTraceJson } from "./format-json.js";
export { createTraceWriter, type TraceOutput, type TraceWriterOptions } from "./trace-writer.js";
export { CallTrace, ConnectionTrace, Tracer, connectionTraces } from "./tracer.js";
export { resolveTracer, runTraced, tracerFromEnvironment, type TraceOption, type TraceOptions } from "./trace-option.js";
export { DEFAULT_LOGGER, resolveLogger, type Logger } from "./logger.js";
