// Holds many idle connections or open streams against a server, from the harness process, so the
// server's memory per connection and per stream can be read before and after.
import http2 from "node:http2";
import { EMPTY_FRAME, streamingOutputRequestFrame, testServicePath } from "./messages.js";

const HEADERS = { ":method": "POST", "content-type": "application/grpc", te: "trailers" };
/** How many connections are opened at once (stays well under the listen backlog). */
const CONNECT_BATCH = 50;

/** Connections or streams held open until release(). */
export interface HeldLoad {
  release(): Promise<void>;
}

function connect(port: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.once("error", reject);
    session.once("remoteSettings", () => {
      session.off("error", reject);
      // Later errors end the session, which release() handles; nothing to report then.
      session.on("error", () => undefined);
      resolve(session);
    });
  });
}

/** Makes one call and waits for it to finish (with any status). */
function emptyCall(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ...HEADERS, ":path": testServicePath("EmptyCall") });
    stream.on("data", () => undefined);
    stream.on("error", reject);
    stream.on("close", resolve);
    stream.end(EMPTY_FRAME);
  });
}

/** Opens a FullDuplexCall, sends one request and resolves once the first response bytes arrive. */
function openStream(session: http2.ClientHttp2Session, request: Uint8Array, streams: http2.ClientHttp2Stream[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ...HEADERS, ":path": testServicePath("FullDuplexCall") });
    streams.push(stream);
    stream.once("data", () => resolve());
    stream.on("data", () => undefined);
    stream.on("error", reject);
    stream.write(request);
  });
}

function closeAll(sessions: http2.ClientHttp2Session[]): Promise<void> {
  return Promise.all(
    sessions.map(
      (session) => new Promise<void>((resolve) => (session.destroyed ? resolve() : (session.once("close", resolve), session.destroy()))),
    ),
  ).then(() => undefined);
}

/** Opens `count` connections, each after one EmptyCall (so the server has set it up), then idle. */
export async function holdConnections(port: number, count: number): Promise<{ sessions: http2.ClientHttp2Session[] } & HeldLoad> {
  const sessions: http2.ClientHttp2Session[] = [];
  for (let opened = 0; opened < count; opened += CONNECT_BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - opened) }, () => connect(port)));
    await Promise.all(batch.map(emptyCall));
    sessions.push(...batch);
  }
  return { sessions, release: () => closeAll(sessions) };
}

/** Opens `perSession` bidi streams on each session, each mid-conversation (one request answered). */
export async function holdStreams(sessions: http2.ClientHttp2Session[], perSession: number): Promise<HeldLoad> {
  const request = streamingOutputRequestFrame(1, 0);
  const streams: http2.ClientHttp2Stream[] = [];
  for (const session of sessions) await Promise.all(Array.from({ length: perSession }, () => openStream(session, request, streams)));
  return {
    release: async () => {
      for (const stream of streams) stream.close(http2.constants.NGHTTP2_CANCEL);
    },
  };
}
