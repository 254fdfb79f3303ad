/** How generated code handles one protobuf scalar type: its TypeScript type, wire type, reader/writer method and default. */
export interface ScalarInfo {
  ts: "number" | "bigint" | "boolean" | "string" | "Uint8Array";
  wireType: 0 | 1 | 2 | 5;
  /** The BinaryWriter and BinaryReader method. */
  method: string;
  /** The default value as TypeScript source. */
  zero: string;
  /** Whether a repeated field of this type may be packed. */
  packable: boolean;
}

const number = (wireType: 0 | 1 | 5, method: string): ScalarInfo => ({ ts: "number", wireType, method, zero: "0", packable: true });
const bigint = (wireType: 0 | 1, method: string): ScalarInfo => ({ ts: "bigint", wireType, method, zero: "0n", packable: true });

/** The fifteen scalar types, plus enums (`enum`, read and written as int32). */
export const SCALARS: Record<string, ScalarInfo> = {
  double: number(1, "double"),
  float: number(5, "float"),
  int32: number(0, "int32"),
  uint32: number(0, "uint32"),
  sint32: number(0, "sint32"),
  fixed32: number(5, "fixed32"),
  sfixed32: number(5, "sfixed32"),
  int64: bigint(0, "int64"),
  uint64: bigint(0, "uint64"),
  sint64: bigint(0, "sint64"),
  fixed64: bigint(1, "fixed64"),
  sfixed64: bigint(1, "sfixed64"),
  bool: { ts: "boolean", wireType: 0, method: "bool", zero: "false", packable: true },
  string: { ts: "string", wireType: 2, method: "string", zero: '""', packable: false },
  bytes: { ts: "Uint8Array", wireType: 2, method: "bytes", zero: "EMPTY_BYTES", packable: false },
  enum: number(0, "int32"),
};

/** A field tag as a number: field number and wire type. */
export function tagOf(fieldNumber: number, wireType: number): number {
  return ((fieldNumber << 3) | wireType) >>> 0;
}
