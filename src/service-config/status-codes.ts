import { type Code, codeName, isCode } from "../status/index.js";

const CODES_BY_NAME: ReadonlyMap<string, Code> = new Map(Array.from({ length: 17 }, (_, code) => [codeName(code), code as Code] as const));

/**
 * Reads one status code of a service config: its name as in doc/statuscodes.md ("UNAVAILABLE",
 * any letter case) or its number (14). Returns undefined for anything else.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export function codeFromConfig(value: unknown): Code | undefined {
  if (typeof value === "number") return isCode(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  return CODES_BY_NAME.get(value.toUpperCase());
}
