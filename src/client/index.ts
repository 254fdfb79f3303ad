// The client role: channels, typed clients, call options and interceptors.
export { Channel, type ChannelOptions } from "./channel.js";
export type { CallOptions, ParentContext } from "./call-options.js";
export { composeCallCredentials, type CallCredentials, type CallCredentialsContext } from "./call-credentials.js";
export {
  createClient,
  type Client,
  type ClientFunction,
  type ClientOptions,
  type FunctionOfKind,
  type UntypedFunction,
  type UnaryFunction,
  type ServerStreamingFunction,
  type ClientStreamingFunction,
  type BidiStreamingFunction,
} from "./create-client.js";
export { chainInterceptors, type CallInvoker, type ClientCall, type Interceptor } from "./interceptor.js";
export { ConnectivityState, type BackoffOptions, type LoadBalancingPolicy } from "../channel/index.js";
export type { TlsOptions } from "../http2/client/index.js";
