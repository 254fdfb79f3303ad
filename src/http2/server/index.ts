// The server role of the http2 layer: the listener, server connections and the server half of a call.
export { ServerStream } from "./server-stream.js";
export type { CallStream } from "./call-stream.js";
export type { BodySink, HttpExchange } from "./http-exchange.js";
export type { HttpRequest, HttpResponse, NodeHttpPair } from "./node-http.js";
export {
  Http2Listener,
  type BoundAddress,
  type Http1Options,
  type ListenAddress,
  type ListenerOptions,
  type ServerTlsOptions,
  type ServerTlsCredentials,
  resolveHttp1Options,
} from "./listener.js";
export {
  parseSubjectAltNames,
  type DistinguishedName,
  type PeerCertificate,
  type SubjectAltNames,
} from "./peer-certificate.js";
export type { ConnectionPolicy } from "./connection.js";
