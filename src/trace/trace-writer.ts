import { formatTraceJson } from "./format-json.js";
import { formatTraceText } from "./format-text.js";
import type { TraceSink } from "./trace-event.js";

/** Where a trace writer writes: `process.stderr`, `process.stdout`, a file stream, or any object with `write`. */
export interface TraceOutput {
  /** Writes one formatted event (a line, with its newline). */
  write(text: string): unknown;
  /** True for a terminal: colours are used only then. */
  isTTY?: boolean | undefined;
}

/** Options of createTraceWriter. */
export interface TraceWriterOptions {
  /** "text" (default) for people, "json" for tools: one JSON object per line. */
  format?: "text" | "json" | undefined;
  /** ANSI colours; default: only when `output` is a terminal and NO_COLOR is not set. */
  color?: boolean | undefined;
}

/**
 * A sink that writes each trace event to `output` (default stderr) as text or as one JSON object
 * per line. Colours follow https://no-color.org: never when NO_COLOR is set (non-empty), never when
 * the output is not a terminal.
 */
export function createTraceWriter(output: TraceOutput = process.stderr, options: TraceWriterOptions = {}): TraceSink {
  if (options.format === "json") return (event) => void output.write(`${formatTraceJson(event)}\n`);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const color = options.color ?? (output.isTTY === true && !noColor);
  return (event) => void output.write(`${formatTraceText(event, { color })}\n`);
}
