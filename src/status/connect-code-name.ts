import { Code, codeName, isCode } from "./code.js";

/**
 * The Connect protocol's name of a status code ("not_found"): the gRPC name lowercased, except
 * "canceled", which Connect spells with one "l"; "unknown" for a number outside the 17 codes.
 * https://connectrpc.com/docs/protocol#error-codes
 */
export function connectCodeName(code: Code): string {
  if (!isCode(code)) return "unknown";
  return code === Code.Cancelled ? "canceled" : codeName(code).toLowerCase();
}

/**
 * The gRPC code of a Connect code name ("unavailable" -> Code.Unavailable), or undefined for anything
 * else, including "ok", which is never an error.
 *
 * https://connectrpc.com/docs/protocol#error-codes
 */
export function codeFromConnectName(name: unknown): Code | undefined {
  if (typeof name !== "string") return undefined;
  for (let code = Code.Cancelled; code <= Code.Unauthenticated; code++) if (connectCodeName(code) === name) return code;
  return undefined;
}
