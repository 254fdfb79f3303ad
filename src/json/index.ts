// The proto3 JSON mapping over descriptor tables (src/descriptor builds them): binary <-> JSON.
export { messageFromJson } from "./from-json.js";
export { JSON_MAX_DEPTH, type FromJsonOptions, type ToJsonOptions } from "./json-options.js";
export type { JsonObject, JsonValue } from "./json-value.js";
export type { EnumSchema, FieldSchema, MessageSchema, SchemaResolver } from "./schema.js";
export { messageToJson } from "./to-json.js";
