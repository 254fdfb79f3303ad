// The server role: a Server, the handler and context types, and interceptors.
// handler.ts holds only types; `export *` keeps it loaded at run time, so coverage sees it as the
// empty module it is.
export { Server, type ServerOptions, type ShutdownOptions } from "./server.js";
export { createServerContext, type ServerContext, type ServerContextOptions } from "./server-context.js";
export * from "./handler.js";
export type { ServerInterceptor } from "./interceptor.js";
export * from "./call-observer.js";
