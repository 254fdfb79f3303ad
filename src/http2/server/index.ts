// The server role of the http2 layer: the listener, server connections and the server half of a call.
export { ServerStream } from "./server-stream.js";
export {
  Http2Listener,
  type BoundAddress,
  type ListenAddress,
  type ListenerOptions,
  type ServerTlsOptions,
} from "./listener.js";
export type { ConnectionPolicy } from "./connection.js";
