import type { OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";

/**
 * node:http2's `sendTrailers()` submits the trailers one event-loop turn after 'wantTrailers'
 * (setImmediate), and a response that waits for trailers shuts its writable side down only after
 * its last DATA went out. So a unary response leaves the server in two socket writes: HEADERS
 * with the message, then the trailers. A process killed between the two (SIGKILL, a crash) leaves
 * a client holding response headers, which commit the call (gRFC A6: no retry), and no status.
 *
 * nghttp2 lets trailers be submitted from inside the DATA read callback that 'wantTrailers' is
 * emitted from (that is what NGHTTP2_DATA_FLAG_NO_END_STREAM is for); then they are serialized in
 * the same pass as the last DATA frame, and node hands HEADERS, DATA and trailers to the socket
 * in one writev. Reaching that takes two members node does not document, found by their symbol
 * descriptions: the stream's state flags (to drop STREAM_FLAGS_HAS_TRAILERS so `end()` shuts the
 * writable side down right after the last chunk, as node does for responses without trailers)
 * and the native handle's `trailers(list)` (node's own finishSendTrailers does exactly that call,
 * a tick later). The header list format (`name\0value\0flags`, flags one char) is the one
 * node 20, 22 and 24 build. When anything is not as expected, `sameWriteAccess` is undefined and
 * the server uses the public API (correct, two writes). test/http2/server/same-write.test.ts
 * records the socket writes of a server on each node version to prove it.
 */
export interface SameWriteAccess {
  /** Lets `end()` shut the writable side down with its last chunk (trailers still follow). */
  endWithLastChunk(stream: ServerHttp2Stream): void;
  /** Submits the trailers now; false when node refused them (the caller uses sendTrailers). */
  submitTrailers(stream: ServerHttp2Stream, trailers: OutgoingHttpHeaders): boolean;
  /**
   * Called on 'close' of a stream ended with `endWithLastChunk`. Its trailers closed the stream in
   * the same nghttp2 pass as its last DATA, so node reports that write done only after the stream
   * was destroyed, and node's Writable then builds an ERR_STREAM_DESTROYED (a stack trace, about
   * 4 us) for finish callbacks nobody registered. Giving the destroyed writable side a shared
   * error first lets node pass that one instead: nothing observes it (a destroyed stream never
   * emits 'finish' or 'error'), and every unary answer is spared the allocation.
   */
  afterClose(stream: ServerHttp2Stream): void;
}

/** node's STREAM_FLAGS_HAS_TRAILERS (lib/internal/http2/core.js, the same on node 20 to 24). */
const STREAM_FLAGS_HAS_TRAILERS = 0x20;
/** node's kNoHeaderFlags: NGHTTP2_NV_FLAG_NONE as one character. */
const NO_FLAGS = "\0";

interface StreamInternals {
  flags: number;
}
interface WritableStateInternals {
  errored: Error | null;
}
interface NativeStreamHandle {
  trailers(list: [string, number]): number;
}

let lastTrailers: OutgoingHttpHeaders | undefined;
let lastList: [string, number] | undefined;
let probed = false;
let stateKey: symbol | undefined;
let handleKey: symbol | undefined;

/**
 * The access for `stream`'s kind of stream, probed on the first one: undefined when this node
 * does not have the members, or when TSGRPC_SAME_WRITE_TRAILERS=0 turns it off.
 */
export function sameWriteAccess(stream: ServerHttp2Stream): SameWriteAccess | undefined {
  if (!probed) probe(stream);
  return stateKey === undefined ? undefined : ACCESS;
}

function probe(stream: ServerHttp2Stream): void {
  probed = true;
  if (process.env.TSGRPC_SAME_WRITE_TRAILERS === "0" || !KNOWN_MAJORS.has(Number(process.versions.node.split(".")[0]))) return;
  let state: symbol | undefined;
  let handle: symbol | undefined;
  for (const key of Object.getOwnPropertySymbols(stream)) {
    if (key.description === "state") state = key;
    else if (key.description === "kHandle") handle = key;
  }
  if (state === undefined || handle === undefined) return;
  const internals = (stream as unknown as Record<symbol, unknown>)[state] as StreamInternals | undefined;
  const native = (stream as unknown as Record<symbol, unknown>)[handle] as NativeStreamHandle | undefined;
  if (typeof internals?.flags !== "number" || typeof native?.trailers !== "function") return;
  stateKey = state;
  handleKey = handle;
}

/** The node majors whose internals were read and whose socket writes the tests record. */
const KNOWN_MAJORS = new Set([20, 22, 24]);

/** What a late write callback of a closed one-write stream is handed instead of a new ERR_STREAM_DESTROYED. */
const CLOSED_BEFORE_WRITE_DONE = new Error(
  "http2: the stream closed before node reported its last write done (the data and the trailers were sent)",
);

const ACCESS: SameWriteAccess = {
  endWithLastChunk(stream) {
    const internals = (stream as unknown as Record<symbol, StreamInternals | undefined>)[stateKey!];
    if (internals !== undefined) internals.flags &= ~STREAM_FLAGS_HAS_TRAILERS;
  },
  submitTrailers(stream, trailers) {
    const native = (stream as unknown as Record<symbol, NativeStreamHandle | undefined>)[handleKey!];
    // The same (frozen, shared) trailers object as last time, e.g. every OK call's: the same list.
    if (trailers !== lastTrailers) {
      lastTrailers = trailers;
      lastList = headerList(trailers);
    }
    const list = lastList;
    if (native === undefined || list === undefined) return false;
    return native.trailers(list) === 0;
  },
  afterClose(stream) {
    if (stream.writableFinished) return;
    const state = (stream as unknown as { _writableState?: WritableStateInternals })._writableState;
    if (state !== undefined && state.errored === null) state.errored = CLOSED_BEFORE_WRITE_DONE;
  },
};

/**
 * node's native header list for `headers`; undefined for anything node's own check would refuse
 * or that the format cannot carry (pseudo-headers, a NUL): the caller then goes the public way.
 */
function headerList(headers: OutgoingHttpHeaders): [string, number] | undefined {
  let list = "";
  let count = 0;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    if (key.startsWith(":") || key.includes("\0")) return undefined;
    const values = Array.isArray(value) ? value : [String(value)];
    for (const item of values) {
      if (item.includes("\0")) return undefined;
      list += `${key}\0${item}\0${NO_FLAGS}`;
      count++;
    }
  }
  return [list, count];
}
