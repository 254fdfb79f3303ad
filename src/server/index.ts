// The server role: a Server, the handler and context types, and interceptors.
// handler.ts and server-context.ts hold only types; `export *` keeps them loaded at run time, so
// coverage sees them as the empty modules they are.
export { Server, type ServerOptions, type ShutdownOptions } from "./server.js";
export * from "./server-context.js";
export * from "./handler.js";
export { type ServerInterceptor } from "./interceptor.js";
