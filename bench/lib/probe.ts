// Checks that a server answers every TestService call the benchmark uses with grpc-status 0 and
// the right number of response messages, because h2load only looks at the HTTP status.
import http2 from "node:http2";
import { MessageCounter } from "./message-counter.js";
import {
  EMPTY_FRAME,
  repeatFrame,
  simpleRequestFrame,
  streamingInputRequestFrame,
  streamingOutputRequestFrame,
  testServicePath,
} from "./messages.js";

const CALLS: readonly { method: string; body: Uint8Array; messages: number }[] = [
  { method: "EmptyCall", body: EMPTY_FRAME, messages: 1 },
  { method: "UnaryCall", body: simpleRequestFrame(1024), messages: 1 },
  { method: "StreamingOutputCall", body: streamingOutputRequestFrame(3, 1024), messages: 3 },
  { method: "StreamingInputCall", body: repeatFrame(streamingInputRequestFrame(1024), 3), messages: 1 },
  { method: "FullDuplexCall", body: repeatFrame(streamingOutputRequestFrame(1, 1024), 2), messages: 2 },
];

function probeCall(
  session: http2.ClientHttp2Session,
  method: string,
  body: Uint8Array,
): Promise<{ status: string | undefined; messages: number }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": testServicePath(method),
      "content-type": "application/grpc",
      te: "trailers",
    });
    const counter = new MessageCounter();
    let status: string | undefined;
    stream.on("response", (headers) => (status = headers["grpc-status"] as string | undefined));
    stream.on("trailers", (trailers) => (status = trailers["grpc-status"] as string | undefined));
    stream.on("data", (chunk: Buffer) => counter.push(chunk));
    stream.on("error", reject);
    stream.on("close", () => resolve({ status, messages: counter.count }));
    stream.end(body);
  });
}

/**
 * Resolves with a list of problems (empty when the server answers every call correctly); with
 * `methods`, only the calls of those methods are checked.
 */
export async function probeServer(port: number, methods?: readonly string[]): Promise<string[]> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  // A failed connection also fails the pending request, which is where the problem is reported.
  session.on("error", () => undefined);
  const problems: string[] = [];
  try {
    for (const { method, body, messages } of CALLS) {
      if (methods !== undefined && !methods.includes(method)) continue;
      const answer = await probeCall(session, method, body);
      if (answer.status !== "0" || answer.messages !== messages)
        problems.push(`${method}: grpc-status ${answer.status}, ${answer.messages} messages (expected 0, ${messages})`);
    }
  } catch (error) {
    problems.push(`probe failed: ${(error as Error).message}`);
  } finally {
    session.destroy();
  }
  return problems;
}
