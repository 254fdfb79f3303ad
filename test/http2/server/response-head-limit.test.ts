// http1HeadBytes against the heads node's HTTP/1.1 server really writes: never less (a head it
// lets through fits the client's limit), and only node's own few lines more.
import { expect } from "chai";
import { createServer } from "node:http";
import { connect } from "node:net";
import { http1HeadBytes } from "../../../src/http2/server/response-head-limit.js";

describe("http2/server: http1HeadBytes", () => {
  it("counts at least the head node writes, and at most a few lines more", async () => {
    const cases: [number, Record<string, string | string[] | number>][] = [
      [200, { "content-type": "application/json" }],
      [200, { "content-type": "application/grpc-web+proto", "x-big": "b".repeat(5000), "x-list": ["a", "bb", "ccc"] }],
      [500, { "content-type": "application/json", "content-length": 120 }],
      [504, { "access-control-allow-origin": "https://app.example.com", vary: "origin" }],
    ];
    for (const [status, headers] of cases) {
      const server = createServer((_request, response) => {
        response.sendDate = false;
        response.writeHead(status, headers);
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address() as { port: number };
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(address.port, "127.0.0.1", () => socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
        let text = "";
        socket.setEncoding("latin1");
        socket.on("data", (chunk: string) => {
          text += chunk;
          const end = text.indexOf("\r\n\r\n");
          if (end >= 0) {
            socket.destroy();
            resolve(text.slice(0, end + 4));
          }
        });
        socket.on("error", reject);
      });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      const counted = http1HeadBytes(status, headers);
      expect(counted, head).to.be.at.least(head.length);
      expect(counted - head.length, head).to.be.at.most(100);
    }
  });
});
