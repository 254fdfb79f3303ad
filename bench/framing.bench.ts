// Framing throughput: encodeFrame and FrameDecoder for 0 B, 1 KiB, 64 KiB and 1 MiB messages, the
// decoder fed in 16 KiB chunks (the DATA frame size node:http2 delivers). Run with `npm run bench`,
// or directly: node dist/bench/framing.bench.js
// MB/s counts frame bytes (5-byte header included, so 0 B messages still move data), MB = 10^6 bytes.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { encodeFrame, FrameDecoder } from "../src/framing/index.js";

/** One line of the table: a message size and its encode and decode throughput. */
export interface Row {
  messageBytes: number;
  encodeMessagesPerSecond: number;
  encodeMBps: number;
  decodeMessagesPerSecond: number;
  decodeMBps: number;
}

const SIZES = [0, 1024, 64 * 1024, 1024 * 1024];
const CHUNK_BYTES = 16 * 1024;
/** Each decode round feeds at least this much, so small messages cross chunk boundaries realistically. */
const DECODE_ROUND_BYTES = 4 * 1024 * 1024;
const WARM_UP_MS = 300;
const MEASURE_MS = 1000;

/** Runs `round` (which returns how many messages it handled) until `ms` pass; returns messages per second. */
function rate(round: () => number, ms: number): number {
  let messages = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    messages += round();
    elapsed = performance.now() - started;
  } while (elapsed < ms);
  return (messages * 1000) / elapsed;
}

function measure(round: () => number): number {
  rate(round, WARM_UP_MS);
  return rate(round, MEASURE_MS);
}

/** The last frame encoded, kept so the optimizer cannot drop the work. */
export let lastEncodedFrame: Uint8Array | undefined;

function encodeRound(payload: Uint8Array): () => number {
  const batch = Math.max(1, Math.floor(DECODE_ROUND_BYTES / 16 / (payload.length + 5)));
  return () => {
    for (let i = 0; i < batch; i++) lastEncodedFrame = encodeFrame(payload);
    return batch;
  };
}

function decodeRound(payload: Uint8Array): () => number {
  const frame = encodeFrame(payload);
  const count = Math.max(2, Math.ceil(DECODE_ROUND_BYTES / frame.length));
  const stream = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) stream.set(frame, i * frame.length);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < stream.length; offset += CHUNK_BYTES) chunks.push(stream.subarray(offset, offset + CHUNK_BYTES));
  return () => {
    const decoder = new FrameDecoder();
    let decoded = 0;
    for (const chunk of chunks) decoded += decoder.push(chunk).length;
    decoder.end();
    if (decoded !== count) throw new Error(`bench: decoded ${decoded} of ${count} frames`);
    return decoded;
  };
}

/**
 * Measures encode and decode throughput for each message size, warming up first.
 */
export async function runFramingBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    const payload = new Uint8Array(size).fill(0x5a);
    const frameBytes = size + 5;
    const encodeMessagesPerSecond = measure(encodeRound(payload));
    const decodeMessagesPerSecond = measure(decodeRound(payload));
    rows.push({
      messageBytes: size,
      encodeMessagesPerSecond,
      encodeMBps: (encodeMessagesPerSecond * frameBytes) / 1e6,
      decodeMessagesPerSecond,
      decodeMBps: (decodeMessagesPerSecond * frameBytes) / 1e6,
    });
    // Let the event loop breathe between sizes (and let callers await us without starving timers).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** Prints the rows as a small table, with the Node version. */
export function printFramingTable(rows: Row[]): void {
  const format = (value: number) => Math.round(value).toLocaleString("en-US");
  console.log(`framing (node ${process.version}, decoder fed ${CHUNK_BYTES / 1024} KiB chunks; MB = 10^6 bytes of frames)`);
  console.log("message   encode msg/s   encode MB/s   decode msg/s   decode MB/s");
  for (const row of rows)
    console.log(
      [
        sizeLabel(row.messageBytes).padEnd(7),
        format(row.encodeMessagesPerSecond).padStart(14),
        format(row.encodeMBps).padStart(13),
        format(row.decodeMessagesPerSecond).padStart(14),
        format(row.decodeMBps).padStart(13),
      ].join(" "),
    );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) printFramingTable(await runFramingBench());
