/** Options of the binary -> JSON direction (the names of protobuf's JsonPrintOptions). */
export interface ToJsonOptions {
  /**
   * Also print fields without presence that hold their default value: 0, "", false, the first
   * enum value, [] and {} (protobuf's alwaysPrintFieldsWithNoPresence). Default false.
   */
  emitDefaults?: boolean;
  /** Print enum values as numbers instead of names. Default false. */
  enumAsInteger?: boolean;
  /** Use the .proto field names ("response_size") instead of the lowerCamelCase JSON names. Default false. */
  useProtoFieldName?: boolean;
}

/** Options of the JSON -> binary direction (protobuf's JsonParseOptions). */
export interface FromJsonOptions {
  /** Skip object keys that name no field, and enum names that name no value, instead of failing. Default false. */
  ignoreUnknownFields?: boolean;
}

/** How deeply messages may nest, in either direction: protobuf's default recursion limit. */
export const JSON_MAX_DEPTH = 100;
