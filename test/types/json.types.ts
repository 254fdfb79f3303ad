// Type tests of the JSON mapping: toJson takes the type's input shape, fromJson returns the
// decoded message type, JSON arguments are JSON values (or text), and options are checked.
import { type JsonValue, type MessageInfo, TypeRegistry, fromJson, toJson } from "../../src/index.js";
import { Timestamp, type FileDescriptorProto } from "../../src/wkt/index.js";
import { expectTrue, type Equal } from "./assert.js";

const registry = TypeRegistry.fromFiles([]);
const bytes: Uint8Array = registry.fromJson("pkg.M", { a: [1, "x", null, { b: true }] });
export const printed: JsonValue = registry.toJson("pkg.M", bytes, { emitDefaults: true, enumAsInteger: true, useProtoFieldName: true });
registry.fromJson("pkg.M", '{"a": 1}', { ignoreUnknownFields: true });
// @ts-expect-error a Date is not a JSON value
registry.fromJson("pkg.M", new Date());
// @ts-expect-error undefined is not a JSON value
registry.fromJson("pkg.M", { a: undefined });
// @ts-expect-error a bigint is not a JSON value
registry.fromJson("pkg.M", { a: 1n });
// @ts-expect-error options are checked: there is no "emitDefault"
registry.toJson("pkg.M", bytes, { emitDefault: true });
// @ts-expect-error toJson takes bytes, not JSON
registry.toJson("pkg.M", { a: 1 });

const message: MessageInfo | undefined = registry.message("pkg.M");
export const jsonName: string | undefined = message?.fieldsByNumber.get(1)?.jsonName;
export const file: FileDescriptorProto | undefined = registry.files.get("a.proto");
// @ts-expect-error the registry's files are read-only
registry.files.set("a.proto", registry.files.get("a.proto")!);

const stamp = fromJson(Timestamp, '"1970-01-01T00:00:00Z"');
expectTrue<Equal<typeof stamp, Timestamp>>();
export const json: JsonValue = toJson(Timestamp, { seconds: 1n });
// @ts-expect-error seconds is an int64 (bigint) in generated code
toJson(Timestamp, { seconds: "1" });
// @ts-expect-error the value must be of the type's shape
toJson(Timestamp, { nope: 1 });
