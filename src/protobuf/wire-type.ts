/**
 * The six protobuf wire types, the low three bits of every field tag.
 * https://protobuf.dev/programming-guides/encoding/#structure
 */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

/** One of the six wire types. */
export type WireType = (typeof WireType)[keyof typeof WireType];
