// The server role: a Server, the handler and context types, and interceptors.
export { Server, type ServerOptions, type ShutdownOptions } from "./server.js";
export { type ServerContext } from "./server-context.js";
export {
  type BidiStreamingHandler,
  type ClientStreamingHandler,
  type Handler,
  type ServerStreamingHandler,
  type ServiceImplementation,
  type UnaryHandler,
} from "./handler.js";
export { type ServerInterceptor } from "./interceptor.js";
