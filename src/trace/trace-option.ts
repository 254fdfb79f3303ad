import type { TraceSink } from "./trace-event.js";
import { parseTraceFilter } from "./trace-filter.js";
import { type TraceOutput, createTraceWriter } from "./trace-writer.js";
import { Tracer } from "./tracer.js";

/** The object form of the `trace` option: what to trace and where to write it. */
export interface TraceOptions {
  /** A filter as TSGRPC_TRACE takes it (see parseTraceFilter). Default "*". */
  filter?: string | undefined;
  /** Receives every event (for tools); when set, `output` and `format` are not used. */
  sink?: TraceSink | undefined;
  /** Where the text or JSON lines go. Default stderr. */
  output?: TraceOutput | undefined;
  /** "text" (default, or TSGRPC_TRACE_FORMAT) or "json". */
  format?: "text" | "json" | undefined;
}

/**
 * The `trace` option of a Channel or Server: `true` traces everything to stderr, a string is a
 * filter (as TSGRPC_TRACE), a function receives every event, an object says all of it; `false`
 * turns tracing off even when TSGRPC_TRACE is set. Left out, TSGRPC_TRACE decides.
 */
export type TraceOption = boolean | string | TraceSink | TraceOptions;

let environmentTracer: Tracer | undefined | null = null;

/**
 * The tracer an option asks for, or undefined for none. A bad filter in the option is a caller's
 * mistake (RangeError); a bad TSGRPC_TRACE only prints a warning, so a typo in the environment
 * never stops a program.
 */
export function resolveTracer(option: TraceOption | undefined): Tracer | undefined {
  if (option === undefined) {
    if (environmentTracer === null) environmentTracer = tracerFromEnvironment(process.env);
    return environmentTracer;
  }
  if (option === false) return undefined;
  const format = environmentFormat(process.env);
  if (option === true) return new Tracer(createTraceWriter(process.stderr, { format }));
  if (typeof option === "string") {
    const filter = parseTraceFilter(option);
    return filter === undefined ? undefined : new Tracer(createTraceWriter(process.stderr, { format }), filter);
  }
  if (typeof option === "function") return new Tracer(option);
  if (typeof option !== "object" || option === null)
    throw new TypeError(
      `trace: the trace option is true, false, a filter string, a function or an object, got ${option === null ? "null" : typeof option}`,
    );
  const filter = parseTraceFilter(option.filter ?? "*");
  if (filter === undefined) return undefined;
  if (option.format !== undefined && option.format !== "text" && option.format !== "json")
    throw new RangeError(`trace: format must be "text" or "json", got ${JSON.stringify(option.format)}`);
  const sink = option.sink ?? createTraceWriter(option.output ?? process.stderr, { format: option.format ?? format });
  return new Tracer(sink, filter);
}

/**
 * The tracer TSGRPC_TRACE and TSGRPC_TRACE_FORMAT ask for (read once per process, on the first
 * Channel or Server), or undefined when TSGRPC_TRACE is unset or off. Exported for tests.
 */
export function tracerFromEnvironment(
  environment: Record<string, string | undefined>,
  warn: TraceOutput = process.stderr,
): Tracer | undefined {
  const text = environment.TSGRPC_TRACE;
  if (text === undefined || text.trim() === "") return undefined;
  try {
    const filter = parseTraceFilter(text);
    return filter === undefined
      ? undefined
      : new Tracer(createTraceWriter(process.stderr, { format: environmentFormat(environment, warn) }), filter);
  } catch (error) {
    warn.write(`tsgrpc: TSGRPC_TRACE ignored, tracing stays off: ${(error as Error).message}\n`);
    return undefined;
  }
}

function environmentFormat(environment: Record<string, string | undefined>, warn?: TraceOutput): "text" | "json" {
  const format = environment.TSGRPC_TRACE_FORMAT;
  if (format === undefined || format === "" || format === "text") return "text";
  if (format === "json") return "json";
  warn?.write(`tsgrpc: TSGRPC_TRACE_FORMAT ${JSON.stringify(format)} is not "text" or "json"; writing text\n`);
  return "text";
}

/**
 * Runs `run` with a trace option that writes every event of the Channel (or Server) it creates to
 * `output` (default stdout), as text or JSON lines: what `tsgrpc trace <target> <Service/Method>`
 * uses to show one call layer by layer. The filter defaults to everything.
 */
export async function runTraced<T>(
  run: (trace: TraceOptions) => Promise<T>,
  options: { output?: TraceOutput | undefined; format?: "text" | "json" | undefined; filter?: string | undefined } = {},
): Promise<T> {
  const sink = createTraceWriter(options.output ?? process.stdout, { format: options.format ?? "text" });
  return run({ sink, filter: options.filter ?? "*" });
}
