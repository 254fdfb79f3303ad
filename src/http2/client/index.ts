// The client role of the http2 layer: opening HTTP/2 connections for the channel layer, their
// bookkeeping, and the client half of a call.
export { createHttp2Connect, type ConnectOptions, type TlsOptions } from "./connect.js";
export type { Connection, ConnectionTimers } from "./connection.js";
export { ClientStream, type StreamEndListener } from "./client-stream.js";
