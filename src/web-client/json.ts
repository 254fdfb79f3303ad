// tsgrpc/web/json: the proto3 JSON format of the browser client, a separate entry so that a page
// that does not use JSON never loads the JSON mapping (src/json, src/descriptor and the schemas
// of the well-known types): `createWebClient(Service, { baseUrl, format: jsonFormat() })`.
export { jsonFormat, type JsonFormatOptions } from "./json-format.js";
export type { WebFormat, WebFormatCodecs } from "./web-format.js";
