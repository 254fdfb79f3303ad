// The web protocols beside gRPC on the same port and handlers: gRPC-Web (binary and text) and
// the Connect protocol (unary, GET, streaming), CORS, and the JSON form of each method.
export { WebGateway, type MethodAdapter, type WebCallServer, type WebGatewayContext, type WebOptions } from "./web-gateway.js";
export type { HttpHandler } from "./http-handler.js";
export { serveFiles, type ServeFilesOptions } from "./serve-files.js";
export type { CorsOptions } from "./cors.js";
export type { Http1Options } from "../http2/server/index.js";
export type { JsonMapping, JsonMappingFactory, MethodTypes } from "./json-method.js";
