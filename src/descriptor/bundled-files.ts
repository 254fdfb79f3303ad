import {
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_descriptor,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
} from "../wkt/index.js";

/**
 * The well-known type files tsgrpc ships (src/wkt), by import name: a registry adds one when a
 * file imports it without supplying it, or when an Any names one of its types.
 */
export const BUNDLED_FILES: ReadonlyMap<string, Uint8Array> = new Map([
  ["google/protobuf/any.proto", file_google_protobuf_any],
  ["google/protobuf/duration.proto", file_google_protobuf_duration],
  ["google/protobuf/empty.proto", file_google_protobuf_empty],
  ["google/protobuf/field_mask.proto", file_google_protobuf_field_mask],
  ["google/protobuf/struct.proto", file_google_protobuf_struct],
  ["google/protobuf/timestamp.proto", file_google_protobuf_timestamp],
  ["google/protobuf/wrappers.proto", file_google_protobuf_wrappers],
  ["google/protobuf/source_context.proto", file_google_protobuf_source_context],
  ["google/protobuf/type.proto", file_google_protobuf_type],
  ["google/protobuf/api.proto", file_google_protobuf_api],
  ["google/protobuf/descriptor.proto", file_google_protobuf_descriptor],
]);
