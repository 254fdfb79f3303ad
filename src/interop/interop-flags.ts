/**
 * The command-line flags of the interop client and server, in the reference implementations' style
 * (grpc-go's `flag` package, C++'s gflags): `--name=value`, `--name value`, a bare `--name` for a
 * boolean, one or two dashes. Names are the official ones of doc/interop-test-descriptions.md and
 * the reference clients; aliases (`--tls` for `--use_tls`) and flags that only make sense on Google
 * Cloud (accepted, ignored, with a notice) are declared next to them.
 */

/** One flag: its kind, default, help line, and what to do with it. */
export interface FlagSpec {
  readonly kind: "boolean" | "string" | "integer";
  /** The value when the flag is absent. */
  readonly defaultValue: string;
  /** One line for `--help`. */
  readonly help: string;
  /** Accepted for compatibility and not used: the notice printed when it is given. */
  readonly ignored?: string;
  /** Accepted only as false/empty: the reason printed (a usage error) when it is set. */
  readonly unsupported?: string;
}

/** What a flag may declare besides its kind, default and help. */
export type FlagNotes = Pick<FlagSpec, "ignored" | "unsupported">;

/** A flag that takes text; "" (the default default) means none was given. */
export function stringFlag(help: string, defaultValue = "", notes: FlagNotes = {}): FlagSpec {
  return { kind: "string", defaultValue, help, ...notes };
}

/** A flag that takes a non-negative integer. */
export function integerFlag(defaultValue: number, help: string): FlagSpec {
  return { kind: "integer", defaultValue: String(defaultValue), help };
}

/** A switch, off unless given (`--name`, `--name=true`, `--name=1`). */
export function booleanFlag(help: string, notes: FlagNotes = {}): FlagSpec {
  return { kind: "boolean", defaultValue: "false", help, ...notes };
}

/** What `--use_alts` of the client and the server declares: ALTS is refused, as it runs only on Google Cloud. */
export const ALTS_UNSUPPORTED: FlagNotes = { unsupported: "ALTS runs only on Google Cloud and is not supported" };

/** What a flag list parses to: every flag's value (defaults filled in), and the notices to print. */
export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string>;
  /** The flags the user gave (by canonical name), to tell a default from an explicit value. */
  readonly given: ReadonlySet<string>;
  readonly notices: readonly string[];
  /** `--help` or `-h` was given. */
  readonly help: boolean;
}

/** The value of a flag in `flags` (its default when it was not given; "" for a name it does not know). */
export function flagValue(flags: ParsedFlags, name: string): string {
  return flags.values.get(name) ?? "";
}

const BOOLEAN_VALUES: Record<string, string> = { true: "true", "1": "true", false: "false", "0": "false" };

/**
 * Parses `args` against `specs` (by canonical name) and `aliases` (alias -> canonical name).
 * Throws RangeError with an "interop: " message for an unknown flag, a missing or malformed value,
 * or an unsupported feature switched on.
 */
export function parseInteropFlags(
  args: readonly string[],
  specs: Readonly<Record<string, FlagSpec>>,
  aliases: Readonly<Record<string, string>> = {},
): ParsedFlags {
  const values = new Map<string, string>();
  const given = new Set<string>();
  const notices: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const argument = args[i]!;
    if (argument === "--help" || argument === "-h" || argument === "-help") {
      help = true;
      continue;
    }
    const match = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(argument);
    if (match === null) throw new RangeError(`interop: unexpected argument ${JSON.stringify(argument)} (flags look like --name=value)`);
    const written = match[1]!.replace(/-/g, "_");
    const name = Object.hasOwn(aliases, written) ? aliases[written]! : written;
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined)
      throw new RangeError(
        `interop: unknown flag --${written} (known: ${Object.keys(specs)
          .map((known) => `--${known}`)
          .join(" ")})`,
      );
    let value = match[2];
    if (value === undefined) {
      if (spec.kind === "boolean") value = "true";
      else if (i + 1 < args.length) value = args[++i]!;
      else throw new RangeError(`interop: --${written} needs a value`);
    }
    values.set(name, checkValue(written, spec, value));
    given.add(name);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (!values.has(name)) values.set(name, spec.defaultValue);
    if (!given.has(name)) continue;
    const value = values.get(name)!;
    const off = value === "" || value === "false";
    if (spec.unsupported !== undefined && !off) throw new RangeError(`interop: --${name}: ${spec.unsupported}`);
    if (spec.ignored !== undefined && !off) notices.push(`--${name} ignored: ${spec.ignored}`);
  }
  return { values, given, notices, help };
}

function checkValue(written: string, spec: FlagSpec, value: string): string {
  if (spec.kind === "boolean") {
    const normalized = BOOLEAN_VALUES[value.toLowerCase()];
    if (normalized === undefined) throw new RangeError(`interop: --${written} must be true or false, got ${JSON.stringify(value)}`);
    return normalized;
  }
  if (spec.kind === "integer" && !/^\d{1,15}$/.test(value))
    throw new RangeError(`interop: --${written} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

/** The `--help` lines of `specs`: one per flag, with its default and aliases. */
export function describeFlags(specs: Readonly<Record<string, FlagSpec>>, aliases: Readonly<Record<string, string>> = {}): string {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const others = Object.entries(aliases)
      .filter(([, target]) => target === name)
      .map(([alias]) => `--${alias}`);
    const head = [`--${name}${spec.kind === "boolean" ? "" : "=VALUE"}`, ...others].join(", ");
    const fallback = spec.defaultValue === "" || spec.kind === "boolean" ? "" : ` (default ${spec.defaultValue})`;
    lines.push(`  ${head}\n      ${spec.help}${fallback}${spec.ignored !== undefined ? " [ignored]" : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
