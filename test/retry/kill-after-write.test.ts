// What SIGKILL does to bytes a process already wrote (the premise of the zero-loss proof,
// test/retry/scale-out-proof.test.ts): on loopback, once write() returned, the bytes are in the
// client's receive buffer. The killed process had unread data in its own receive buffer, so the
// kernel closes its socket with RST instead of FIN; the client still reads every byte written
// before the RST, and only then sees the end (ECONNRESET, or a plain end when the RST came before
// the read began). So a response that left the server in one write
// (src/http2/server/same-write-trailers.ts) reaches the client whole, even if the server dies
// right after the write.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./kill-after-write-child.js", import.meta.url));

function lineFrom(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const end = text.indexOf("\n");
      if (end < 0) return;
      stream.off("data", onData);
      resolve(text.slice(0, end));
    };
    stream.on("data", onData);
  });
}

describe("loopback: bytes written before a SIGKILL reach the client, though the kernel closes with RST", function () {
  this.timeout(30_000);

  for (const bytes of [100, 16_384, 65_536]) {
    it(`${bytes} bytes written, the writer killed with unread data: all ${bytes} read, then the end`, async () => {
      const child = spawn(process.execPath, [CHILD, String(bytes)], { stdio: ["pipe", "pipe", "inherit"] });
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      try {
        const port = Number(await lineFrom(child.stdout));
        // With `onread`, a paused socket stops reading in the kernel too (a plain one reads ahead
        // up to 16 KiB): the bytes stay in our receive buffer until after the kill.
        let received = 0;
        let reading = false;
        const socket = connect({
          port,
          host: "127.0.0.1",
          onread: {
            buffer: Buffer.alloc(65_536),
            callback: (count: number) => {
              expect(reading, "nothing is read before the kill").to.equal(true);
              received += count;
              return true;
            },
          },
        });
        socket.pause();
        const ended = new Promise<string>((resolve) => {
          socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
          socket.once("end", () => resolve("FIN"));
        });
        await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
        socket.write(Buffer.alloc(4096, 0x62)); // the child never reads them: its close becomes RST
        await new Promise((resolve) => setTimeout(resolve, 100));
        const written = lineFrom(child.stdout);
        child.stdin.write("go\n");
        expect(await written).to.equal(`written ${bytes}`);
        child.kill("SIGKILL");
        await exited;
        await new Promise((resolve) => setTimeout(resolve, 200)); // the RST has arrived by now
        reading = true;
        socket.resume();
        const how = await ended;
        socket.destroy();
        expect(received, "bytes read after the kill").to.equal(bytes);
        // The killed process's socket closes with RST (it had unread data); the client may see it
        // as ECONNRESET after the last byte, or as a plain end: never as lost bytes.
        expect(how).to.be.oneOf(["ECONNRESET", "FIN"]);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    });
  }
});
