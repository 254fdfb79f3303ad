// Type tests of the tracer and logger options: what the trace option, a sink and a logger accept.
import {
  Channel,
  Server,
  createTraceWriter,
  runTraced,
  type Logger,
  type TraceEvent,
  type TraceLayer,
  type TraceOption,
  type TraceSink,
} from "../../src/index.js";
import { expectTrue, type Equal } from "./assert.js";

expectTrue<Equal<TraceLayer, "connection" | "http1" | "http2" | "message" | "call">>();

// Every accepted form of the trace option.
const forms: TraceOption[] = [
  true,
  false,
  "client,/pkg.Service/*",
  (event: TraceEvent) => void event,
  { filter: "server", format: "json", output: process.stderr },
  { sink: createTraceWriter(process.stdout, { format: "text", color: false }) },
];
void forms;

new Server({ trace: "server", logger: console });
new Server({ logger: null });
new Channel("localhost:50051", { trace: true, logger: console });

// @ts-expect-error -- a format is "text" or "json"
new Server({ trace: { format: "yaml" } });
// @ts-expect-error -- not a trace option
new Channel("localhost:50051", { trace: 1 });
// @ts-expect-error -- a logger has error, warn, info and debug
new Server({ logger: { error: () => {} } });
// @ts-expect-error -- a sink takes one TraceEvent
const wrongSink: TraceSink = (event: string) => void event;
void wrongSink;
// @ts-expect-error -- events are read-only
((event: TraceEvent) => (event.layer = "http2"))(undefined as unknown as TraceEvent);

const logger: Logger = console;
void logger;
void runTraced(async (trace) => new Channel("localhost:50051", { trace }), { format: "json" });
