/**
 * The JSON name protoc gives a field without a json_name option: underscores dropped, the letter
 * after each one uppercased ("response_size" -> "responseSize").
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function jsonNameOf(fieldName: string): string {
  let result = "";
  let upperNext = false;
  for (const char of fieldName) {
    if (char === "_") upperNext = true;
    else if (upperNext) {
      result += char.toUpperCase();
      upperNext = false;
    } else result += char;
  }
  return result;
}
