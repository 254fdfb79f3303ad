// The child of test/retry/kill-after-write.test.ts: a TCP server on 127.0.0.1 (port 0) that never
// reads what its client sends (so it stays in the receive buffer, and the kernel answers the
// close at SIGKILL with RST). On "go\n" on stdin it writes `bytes` bytes to the client and prints
// "written N" once the kernel took all of them (node's buffer empty), then waits to be killed.
import { createServer, type Socket } from "node:net";

const bytes = Number(process.argv[2] ?? 65536);
let client: Socket | undefined;
// pauseOnConnect: node never reads from the socket, so the client's bytes stay in the kernel.
const server = createServer({ pauseOnConnect: true }, (socket) => {
  client = socket;
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address !== null ? address.port : 0}\n`);
});
process.stdin.on("data", () => {
  const socket = client!;
  const payload = Buffer.alloc(bytes, 0x61);
  socket.write(payload);
  // Nothing left in node's buffer: write() handed every byte to the kernel.
  process.stdout.write(socket.writableLength === 0 ? `written ${bytes}\n` : `buffered ${socket.writableLength}\n`);
});
