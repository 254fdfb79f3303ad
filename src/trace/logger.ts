/**
 * Where a Channel or Server writes what it has to say: unexpected handler failures (error),
 * connection events such as connect failures, GOAWAY and keepalive timeouts (debug). `console`
 * fits, as does any logging library with these four methods.
 */
export interface Logger {
  /** A handler failed unexpectedly (the client got UNKNOWN). */
  error(message: string, ...details: unknown[]): void;
  /** Something is off but the calls go on (e.g. a server without the health service). */
  warn(message: string, ...details: unknown[]): void;
  /** Informational events. */
  info(message: string, ...details: unknown[]): void;
  /** Connection events: connect failures, GOAWAY, keepalive timeouts. */
  debug(message: string, ...details: unknown[]): void;
}

function ignore(): void {}

/**
 * The logger of a Channel or Server given none: errors and warnings to stderr (through
 * `console.error`, so an error prints with its stack and cause), info and debug dropped.
 */
export const DEFAULT_LOGGER: Logger = Object.freeze({
  error: (message: string, ...details: unknown[]) => console.error(message, ...details),
  warn: (message: string, ...details: unknown[]) => console.warn(message, ...details),
  info: ignore,
  debug: ignore,
});

/** The logger an option asks for: undefined is the default, null is silence (undefined here). */
export function resolveLogger(option: Logger | null | undefined): Logger | undefined {
  if (option === null) return undefined;
  if (option === undefined) return DEFAULT_LOGGER;
  for (const level of ["error", "warn", "info", "debug"] as const)
    if (typeof option[level] !== "function")
      throw new TypeError(`trace: the logger option needs error, warn, info and debug methods; ${level} is ${typeof option[level]}`);
  return option;
}
