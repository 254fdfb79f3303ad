// The client role of the http2 layer: connections, subchannels and the client half of a call.
export { type TlsOptions } from "./subchannel.js";
export { ClientSession, type ClientSessionOptions, type LoadBalancingPolicy } from "./client-session.js";
export { type Connection } from "./connection.js";
export { ClientStream, type StreamEndListener } from "./client-stream.js";
