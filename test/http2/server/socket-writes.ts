// Records the socket writes of a child process with strace and reads them back as HTTP/2 frames:
// which write syscall carried which frame of which stream. test/http2/server/same-write.test.ts
// uses it to see a server's response leave in one write.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One HTTP/2 frame a process wrote, and the index of the write syscall its last byte left in. */
export interface WrittenFrame {
  fd: number;
  type: number;
  flags: number;
  streamId: number;
  write: number;
}

/** HTTP/2 frame types and flags the tests look at (RFC 9113 §6). */
export const FRAME_DATA = 0;
export const FRAME_HEADERS = 1;
export const FLAG_END_STREAM = 1;

/** True when strace exists and may trace a child here (a container can forbid ptrace). */
export function canTrace(): boolean {
  const result = spawnSync("strace", ["-f", "-qq", "-e", "trace=none", process.execPath, "-e", "0"], { stdio: "ignore" });
  return result.status === 0;
}

/** A child process run under strace, recording its write syscalls into a temporary folder. */
export class TracedProcess {
  readonly child: ChildProcess;
  private readonly folder: string;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.folder = mkdtempSync(join(tmpdir(), "tsgrpc-writes-"));
    // -ff: one file per thread, so no syscall line is split by another thread's.
    const trace = ["-ff", "-qq", "-xx", "-s", "4194304", "-e", "trace=write,writev,sendmsg", "-o", join(this.folder, "w")];
    this.child = spawn("strace", [...trace, command, ...args], { stdio: ["pipe", "pipe", "inherit"], env });
  }

  /** The first line the child prints on stdout. */
  firstLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = "";
      const onData = (chunk: Buffer): void => {
        text += chunk.toString();
        const end = text.indexOf("\n");
        if (end < 0) return;
        this.child.stdout!.off("data", onData);
        resolve(text.slice(0, end));
      };
      this.child.stdout!.on("data", onData);
      this.child.once("exit", (code) => reject(new Error(`traced child exited (${code}) before printing a line`)));
    });
  }

  /** Ends the child (closes its stdin), waits for it, and returns the HTTP/2 frames it wrote. */
  async finish(): Promise<WrittenFrame[]> {
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin!.end();
    await exited;
    try {
      return framesOf(readdirSync(this.folder).map((file) => readFileSync(join(this.folder, file), "utf8")));
    } finally {
      rmSync(this.folder, { recursive: true, force: true });
    }
  }
}

const SYSCALL = /^(write|writev|sendmsg)\((\d+), (.*)\) = (-?\d+)/;
const BYTES = /"((?:\\x[0-9a-f]{2})*)"/g;

/**
 * The HTTP/2 frames in the traced writes: a file descriptor counts as an HTTP/2 connection when
 * its first write starts with a SETTINGS frame on stream 0 (a server's preface). Write indexes
 * are global and increase in syscall order within each thread's file.
 */
function framesOf(files: string[]): WrittenFrame[] {
  const frames: WrittenFrame[] = [];
  let write = 0;
  for (const file of files) {
    const pending = new Map<number, Buffer | null>();
    for (const line of file.split("\n")) {
      const match = SYSCALL.exec(line);
      if (match === null) continue;
      const fd = Number(match[2]);
      const written = Number(match[4]);
      if (written <= 0) continue;
      write++;
      const parts = [...match[3]!.matchAll(BYTES)].map((part) => Buffer.from(part[1]!.replaceAll("\\x", ""), "hex"));
      const bytes = Buffer.concat(parts).subarray(0, written);
      let buffer = pending.get(fd);
      if (buffer === null) continue; // not an HTTP/2 connection
      if (buffer === undefined) {
        if (bytes.length < 9 || bytes[3] !== 4 || bytes.readUInt32BE(5) !== 0) {
          pending.set(fd, null);
          continue;
        }
        buffer = Buffer.alloc(0);
      }
      buffer = Buffer.concat([buffer, bytes]);
      while (buffer.length >= 9) {
        const length = buffer.readUIntBE(0, 3);
        if (buffer.length < 9 + length) break;
        frames.push({ fd, type: buffer[3]!, flags: buffer[4]!, streamId: buffer.readUInt32BE(5) & 0x7fffffff, write });
        buffer = buffer.subarray(9 + length);
      }
      pending.set(fd, buffer);
    }
  }
  return frames;
}

/** Per stream: the writes that carried its first HEADERS, its DATA, and its END_STREAM. */
export interface StreamWrites {
  headers: number;
  data: number[];
  end: number;
}

/** The response writes of every stream that ended (server-side streams carry odd ids). */
export function responseWrites(frames: WrittenFrame[]): Map<string, StreamWrites> {
  const streams = new Map<string, StreamWrites>();
  for (const frame of frames) {
    if (frame.streamId === 0) continue;
    const key = `${frame.fd}/${frame.streamId}`;
    let stream = streams.get(key);
    if (stream === undefined) streams.set(key, (stream = { headers: -1, data: [], end: -1 }));
    if (frame.type === FRAME_HEADERS && stream.headers < 0) stream.headers = frame.write;
    if (frame.type === FRAME_DATA) stream.data.push(frame.write);
    if ((frame.type === FRAME_HEADERS || frame.type === FRAME_DATA) && (frame.flags & FLAG_END_STREAM) !== 0) stream.end = frame.write;
  }
  return streams;
}
