/**
 * Command-line flags in the reference interop style: `--name=value`, or a bare `--name` for true.
 *
 * The reference clients and servers (grpc-go, C++, grpc-node) all take `--flag=value`; we accept
 * exactly that so the matrix can drive every implementation with one argument list.
 */
export type Flags = ReadonlyMap<string, string>;

/** Parses `--name=value` / `--name` arguments; anything else is a usage error (TypeError). */
export function parseFlags(argv: readonly string[], known: readonly string[]): Flags {
  const flags = new Map<string, string>();
  for (const argument of argv) {
    const match = /^--([a-z_]+)(?:=(.*))?$/s.exec(argument);
    if (!match) throw new TypeError(`unexpected argument ${JSON.stringify(argument)} (flags look like --name=value)`);
    const [, name = "", value] = match;
    if (!known.includes(name)) throw new TypeError(`unknown flag --${name} (known: ${known.map((k) => `--${k}`).join(" ")})`);
    flags.set(name, value ?? "true");
  }
  return flags;
}

/** Reads a boolean flag ("true"/"false", also "1"/"0"); absent means `fallback`. */
export function booleanFlag(flags: Flags, name: string, fallback = false): boolean {
  const value = flags.get(name);
  if (value === undefined || value === "") return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new TypeError(`--${name} must be true or false, got ${JSON.stringify(value)}`);
}

/** Reads a non-negative integer flag; absent means `fallback`. */
export function integerFlag(flags: Flags, name: string, fallback: number): number {
  const value = flags.get(name);
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value)) throw new TypeError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}
