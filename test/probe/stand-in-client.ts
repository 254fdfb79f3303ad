/**
 * Stand-in clients for the client probe's own tests: each makes a real HTTP/2 request to the probe's
 * server (so the check's response is served), then reports a fixed status whatever came back.
 */

/** `node -e` source of a client that calls `/grpc.testing.TestService/UnaryCall` on argv[1] (or TSGRPC_PROBE_TARGET) and then prints `line`. */
export function standInClient(line: string): string {
  return `const http2 = require("node:http2");
const target = process.argv[1] ?? process.env.TSGRPC_PROBE_TARGET;
const session = http2.connect("http://" + target);
session.on("error", () => {});
const request = session.request({ ":method": "POST", ":path": "/grpc.testing.TestService/UnaryCall", "content-type": "application/grpc", te: "trailers" });
request.on("error", () => {});
request.resume();
request.on("close", () => { console.log(${JSON.stringify(line)}); session.destroy(); });
request.end(Buffer.alloc(5));`;
}
