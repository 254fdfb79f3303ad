const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
// The URL-safe alphabet (RFC 4648 §5) is accepted on input, as protobuf does.
VALUES["-".charCodeAt(0)] = 62;
VALUES["_".charCodeAt(0)] = 63;

/** Standard base64 with padding (RFC 4648 §4), how proto3 JSON prints `bytes`. */
export function base64FromBytes(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    text += ALPHABET[triple >> 18]! + ALPHABET[(triple >> 12) & 63]! + ALPHABET[(triple >> 6) & 63]! + ALPHABET[triple & 63]!;
  }
  if (i + 1 === bytes.length) {
    const single = bytes[i]!;
    text += `${ALPHABET[single >> 2]!}${ALPHABET[(single & 3) << 4]!}==`;
  } else if (i + 2 === bytes.length) {
    const pair = (bytes[i]! << 8) | bytes[i + 1]!;
    text += `${ALPHABET[pair >> 10]!}${ALPHABET[(pair >> 4) & 63]!}${ALPHABET[(pair & 15) << 2]!}=`;
  }
  return text;
}

/**
 * Decodes standard or URL-safe base64, padded or not (proto3 JSON accepts all four), or returns
 * undefined when `text` is not base64 (a stray character, a lone final character, bad padding).
 */
export function bytesFromBase64Text(text: string): Uint8Array | undefined {
  let length = text.length;
  if (length % 4 === 0 && length > 0 && text[length - 1] === "=") length -= text[length - 2] === "=" ? 2 : 1;
  if (length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let count = 0;
  let out = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) return undefined;
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[out++] = (bits >> count) & 0xff;
    }
  }
  return bytes;
}
