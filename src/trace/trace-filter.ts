import { TRACE_LAYERS, type TraceLayer, type TraceSide } from "./trace-event.js";

/**
 * Which calls and layers a tracer shows: a parsed `TSGRPC_TRACE` value. An empty list means
 * "any" for that part.
 */
export interface TraceFilter {
  readonly sides: readonly TraceSide[];
  readonly layers: readonly TraceLayer[];
  /** Method globs ("/pkg.Service/*", "*Echo*"); `*` matches any run of characters. */
  readonly methods: readonly string[];
}

/** The filter that shows everything (`TSGRPC_TRACE=*`). */
export const TRACE_EVERYTHING: TraceFilter = Object.freeze({ sides: [], layers: [], methods: [] });

/**
 * Parses a trace filter: words separated by commas or spaces. `*` (or `all`, `1`, `true`) is
 * everything; `client` or `server` picks a side; a layer name (`connection`, `http1`, `http2`,
 * `message`, `call`) picks a layer; any word with a `/`, a `.` or a `*` is a method glob, matched against the
 * whole path ("/helloworld.Greeter/SayHello"; a glob without the leading slash gets one). Words of
 * one kind add up (`client,server`), kinds narrow each other (`server,http2` is the server's
 * HTTP/2 events only). Returns undefined for "off" (empty, `0`, `false`, `off`, `none`).
 *
 * Throws a RangeError naming the word it does not know.
 */
export function parseTraceFilter(text: string): TraceFilter | undefined {
  const words = text
    .split(/[\s,]+/)
    .map((word) => word.trim())
    .filter((word) => word !== "");
  if (words.length === 0 || (words.length === 1 && ["0", "false", "off", "none"].includes(words[0]!.toLowerCase()))) return undefined;
  const sides: TraceSide[] = [];
  const layers: TraceLayer[] = [];
  const methods: string[] = [];
  let everything = false;
  for (const word of words) {
    const lower = word.toLowerCase();
    if (word === "*" || lower === "all" || lower === "1" || lower === "true") everything = true;
    else if (lower === "client" || lower === "server") sides.push(lower);
    else if ((TRACE_LAYERS as readonly string[]).includes(lower)) layers.push(lower as TraceLayer);
    else if (/[/.*]/.test(word)) methods.push(word.startsWith("/") || word.startsWith("*") ? word : `/${word}`);
    else
      throw new RangeError(
        `trace: unknown word ${JSON.stringify(word)} in the trace filter ${JSON.stringify(text)} (use *, client, server, ${TRACE_LAYERS.join(", ")}, or a method glob such as /pkg.Service/*)`,
      );
  }
  if (everything && sides.length === 0 && layers.length === 0 && methods.length === 0) return TRACE_EVERYTHING;
  return Object.freeze({ sides, layers, methods });
}

/** True when `path` matches one of the filter's method globs (or the filter names none). */
export function filterMatchesMethod(filter: TraceFilter, path: string): boolean {
  if (filter.methods.length === 0) return true;
  for (const glob of filter.methods) if (globMatches(glob, path)) return true;
  return false;
}

/** Whole-string match where `*` is any run of characters and everything else is literal. */
function globMatches(glob: string, text: string): boolean {
  const parts = glob.split("*");
  if (parts.length === 1) return glob === text;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i]!, at);
    if (found === -1 || found + parts[i]!.length > end) return false;
    at = found + parts[i]!.length;
  }
  return true;
}
