// gRPC-Web and Connect unary throughput: tsgrpc (web: true) against Connect-ES's own server
// (@connectrpc/connect-node on node:http2) with the same handler, each loaded by h2load over h2c.
// `node dist/bench/web/web.bench.js [seconds] [rounds]`; prints calls/s medians and ratios.
// The servers run as child processes of this script (`... server tsgrpc|connect`).
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http2";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "../../src/index.js";
import { EchoRequest, EchoService, file_webtest } from "../../test/web/gen/webtest_pb.js";
import { runCommand, startServer, stopServer } from "../lib/processes.js";
import { parseH2loadOutput } from "../lib/h2load.js";
import { PROJECT_ROOT } from "../lib/proto.js";

const PATH = "/tsgrpc.webtest.EchoService/Echo";

async function serve(implementation: string): Promise<void> {
  if (implementation === "tsgrpc") {
    const server = new Server({ web: true, logger: null }).add(EchoService, {
      echo: (request) => ({ text: request.text, blob: request.blob }),
      lookup: (request) => ({ text: request.text }),
      async *expand() {},
      async collect() {
        return {};
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    console.log(`listening ${port}`);
    return;
  }
  const { connectNodeAdapter } = await import("@connectrpc/connect-node");
  const file = fromBinary(FileDescriptorProtoSchema, file_webtest);
  for (const message of file.messageType)
    for (const field of message.field)
      if (field.jsonName === "") field.jsonName = field.name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  const service = createFileRegistry(file, () => undefined).getService("tsgrpc.webtest.EchoService")!;
  const handler = connectNodeAdapter({
    routes(router) {
      router.service(service, {
        echo: (request: { text: string; blob: Uint8Array }) => ({ text: request.text, blob: request.blob }),
      } as never);
    },
  });
  const server = createServer(handler);
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    console.log(`listening ${typeof address === "object" && address !== null ? address.port : 0}`);
  });
}

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, 5);
  return out;
}

async function measure(seconds: number, rounds: number): Promise<void> {
  const folder = join(PROJECT_ROOT, "bench", ".build", "web");
  mkdirSync(folder, { recursive: true });
  const message = EchoRequest.encode({ text: "hello", blob: new Uint8Array(1024) });
  const bodies = {
    "grpc-web": { file: join(folder, "grpc-web.bin"), bytes: frame(message), type: "application/grpc-web+proto" },
    connect: { file: join(folder, "connect.bin"), bytes: message, type: "application/proto" },
  };
  for (const body of Object.values(bodies)) writeFileSync(body.file, body.bytes);
  const script = fileURLToPath(import.meta.url);
  const servers = {
    tsgrpc: await startServer("tsgrpc", [process.execPath, script, "server", "tsgrpc"], false),
    "connect-node": await startServer("connect-node", [process.execPath, script, "server", "connect"], false),
  };
  try {
    console.log(`node ${process.version}, 1 KiB unary, h2load -c 2 -m 32 -t 1, ${seconds} s x ${rounds} rounds`);
    for (const [protocol, body] of Object.entries(bodies)) {
      const results: Record<string, number[]> = { tsgrpc: [], "connect-node": [] };
      for (let round = -1; round < rounds; round++)
        for (const [name, server] of Object.entries(servers)) {
          const output = await runCommand(
            [
              "h2load",
              "-c",
              "2",
              "-m",
              "32",
              "-t",
              "1",
              "-D",
              String(round < 0 ? 1 : seconds),
              "-d",
              body.file,
              "-H",
              `content-type: ${body.type}`,
              `http://127.0.0.1:${server.port}${PATH}`,
            ],
            (seconds + 60) * 1000,
          );
          const result = parseH2loadOutput(output);
          if (result.failed > 0 || result.succeeded === 0) throw new Error(`bench: ${name} ${protocol}: ${result.failed} failed`);
          if (round >= 0) results[name]!.push(result.requestsPerSecond);
        }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const ours = median(results.tsgrpc!);
      const theirs = median(results["connect-node"]!);
      // The rounds alternate, so round i of each ran side by side: the per-round ratios are the spread.
      const perRound = results.tsgrpc!.map((value, i) => value / results["connect-node"]![i]!);
      console.log(
        `${protocol.padEnd(9)} tsgrpc ${ours.toFixed(0)} calls/s, connect-node ${theirs.toFixed(0)} calls/s, ratio ${(ours / theirs).toFixed(2)} ` +
          `(per round ${Math.min(...perRound).toFixed(2)}-${Math.max(...perRound).toFixed(2)})`,
      );
    }
  } finally {
    await Promise.all(Object.values(servers).map(stopServer));
  }
}

const [mode, argument] = process.argv.slice(2);
if (mode === "server") await serve(argument ?? "tsgrpc");
else await measure(Number(mode ?? 3), Number(argument ?? 3));
