// A tiny HTTP client over each way a browser or tool reaches a web server: HTTP/1.1 and HTTP/2,
// plaintext and TLS (ALPN). For tests of the requests a tsgrpc server serves beside calls.
import { readFileSync } from "node:fs";
import { type IncomingHttpHeaders, request as http1Request } from "node:http";
import { connect as http2Connect } from "node:http2";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";

const CERTS = join(projectRoot(), "interop", "certs");
/** The name interop/certs/server.pem is issued for. */
export const TLS_SERVER_NAME = "foo.test.google.fr";

/** The server side of interop/certs: a certificate for TLS_SERVER_NAME, signed by ca.pem. */
export function testServerTls(): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(join(CERTS, "server.pem")), key: readFileSync(join(CERTS, "server.key")) };
}

/** The CA that signed testServerTls(). */
export function testCa(): Buffer {
  return readFileSync(join(CERTS, "ca.pem"));
}

/** How a request travels. */
export type Transport = "HTTP/1.1" | "HTTP/2 (h2c)" | "HTTPS HTTP/1.1" | "HTTPS HTTP/2";
/** Every transport, and whether the server must listen with TLS for it. */
export const TRANSPORTS: readonly { transport: Transport; tls: boolean }[] = [
  { transport: "HTTP/1.1", tls: false },
  { transport: "HTTP/2 (h2c)", tls: false },
  { transport: "HTTPS HTTP/1.1", tls: true },
  { transport: "HTTPS HTTP/2", tls: true },
];

/** One request. */
export interface HttpCall {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** What came back. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one request over `transport` to 127.0.0.1:port; rejects when the exchange is cut off. */
export function send(transport: Transport, port: number, call: HttpCall): Promise<HttpAnswer> {
  const method = call.method ?? "GET";
  if (transport === "HTTP/2 (h2c)" || transport === "HTTPS HTTP/2") {
    const secure = transport === "HTTPS HTTP/2";
    return new Promise((resolve, reject) => {
      const session = http2Connect(
        `${secure ? "https" : "http"}://127.0.0.1:${port}`,
        secure ? { ca: testCa(), servername: TLS_SERVER_NAME } : {},
      );
      session.on("error", reject);
      const headers: Record<string, string> = { ":method": method, ...call.headers };
      if (method !== "CONNECT") headers[":path"] = call.path;
      else headers[":authority"] = call.path;
      const stream = session.request(headers, { endStream: call.body === undefined });
      let answer: Omit<HttpAnswer, "body"> = { status: 0, headers: {} };
      stream.on("response", (response) => {
        answer = { status: Number(response[":status"]), headers: response as IncomingHttpHeaders };
      });
      const body: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => body.push(chunk));
      stream.on("error", (error) => {
        session.close();
        reject(error);
      });
      stream.on("close", () => {
        session.close();
        if (stream.rstCode !== 0 && stream.rstCode !== undefined) reject(new Error(`stream reset with code ${stream.rstCode}`));
        else resolve({ ...answer, body: Buffer.concat(body) });
      });
      if (call.body !== undefined) stream.end(call.body);
    });
  }
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...call.headers };
    // node's client sends a GET or DELETE body with neither a length nor chunked encoding.
    if (call.body !== undefined) headers["content-length"] = Buffer.byteLength(call.body);
    const options = { host: "127.0.0.1", port, path: call.path, method, headers, agent: false };
    const onResponse = (response: import("node:http").IncomingMessage): void => {
      const body: Buffer[] = [];
      response.on("data", (chunk: Buffer) => body.push(chunk));
      response.on("error", reject);
      response.on("aborted", () => reject(new Error("response aborted")));
      response.on("end", () => {
        if (!response.complete) reject(new Error("response cut off"));
        else resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(body) });
      });
    };
    const request =
      transport === "HTTPS HTTP/1.1"
        ? httpsRequest({ ...options, ca: testCa(), servername: TLS_SERVER_NAME }, onResponse)
        : http1Request(options, onResponse);
    request.on("error", reject);
    request.end(call.body);
  });
}
