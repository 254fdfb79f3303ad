// The http2 layer's surface: the only code that touches node:http2. Shared helpers first, then
// each role's stream types.
export * from "./header-names.js";
export { isGrpcContentType } from "./content-type.js";
export { metadataFromHeaders, metadataToHeaders } from "./metadata-headers.js";
export {
  USER_AGENT,
  TSGRPC_VERSION,
  requestHeadFromHeaders,
  requestHeadToHeaders,
  type RequestHead,
  type RequestHeadOptions,
} from "./request-head.js";
export { statusFromTrailers, trailersFromStatus } from "./trailers.js";
export { grpcErrorFromGoaway, grpcErrorFromNode, grpcErrorFromRstCode } from "./node-error.js";
// Client role: connection management and the client half of a call.
export { Backoff, type BackoffOptions } from "./client-backoff.js";
export { ConnectivityState } from "./client-connectivity.js";
export { parseTarget, formatAddress, type Address, type Target } from "./client-target.js";
export { resolveTarget } from "./client-resolver.js";
export { type TlsOptions } from "./client-subchannel.js";
export { ClientSession, type ClientSessionOptions, type LoadBalancingPolicy } from "./client-session.js";
export { type Connection } from "./client-connection.js";
export { ClientStream, type StreamEndListener } from "./client-stream.js";
export { ServerStream } from "./server-stream.js";
export { type FrameWaiter, type RequestReader, type SingleRequestConsumer } from "./request-reader.js";
export {
  Http2Listener,
  type BoundAddress,
  type ListenAddress,
  type ListenerOptions,
  type ServerTlsOptions,
} from "./server-listener.js";
export { type ConnectionPolicy } from "./server-connection.js";
