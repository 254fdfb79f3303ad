/** The well-known types with a JSON form of their own (Empty is an ordinary message: {}). */
export type WellKnown = "Any" | "Timestamp" | "Duration" | "FieldMask" | "Struct" | "Value" | "ListValue" | "Wrapper";

const WELL_KNOWN = new Map<string, WellKnown>([
  ["google.protobuf.Any", "Any"],
  ["google.protobuf.Timestamp", "Timestamp"],
  ["google.protobuf.Duration", "Duration"],
  ["google.protobuf.FieldMask", "FieldMask"],
  ["google.protobuf.Struct", "Struct"],
  ["google.protobuf.Value", "Value"],
  ["google.protobuf.ListValue", "ListValue"],
  ...["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (name) => [`google.protobuf.${name}Value`, "Wrapper"] as const,
  ),
]);

/** Which special JSON form the message type `fullName` has, if any. */
export function wellKnownOf(fullName: string): WellKnown | undefined {
  return WELL_KNOWN.get(fullName);
}

/** The message type name of an Any's type URL: the part after the last "/". */
export function typeNameOfTypeUrl(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
}
