import { UsageError } from "./usage-error.js";

/**
 * Walks a command's arguments: yields each flag (`--name`, `-x`; `--name=value` and `-IDIR`
 * are split so the value is read next), collects the positional arguments, and reads flag
 * values, so every command parses its flags the same way and reports mistakes alike.
 */
export class ArgumentReader implements Iterable<string> {
  /** The arguments that are not flags, in order (`-` alone is one). */
  readonly positional: string[] = [];
  readonly #args: readonly string[];
  readonly #command: string;
  #at = 0;
  #inline: string | undefined;
  #flag = "";

  constructor(args: readonly string[], command: string) {
    this.#args = args;
    this.#command = command;
  }

  *[Symbol.iterator](): Iterator<string> {
    while (this.#at < this.#args.length) {
      const arg = this.#args[this.#at++]!;
      this.#inline = undefined;
      if (arg === "--") {
        this.positional.push(...this.#args.slice(this.#at));
        return;
      }
      if (!arg.startsWith("-") || arg === "-") {
        this.positional.push(arg);
        continue;
      }
      const long = /^(--[A-Za-z0-9_-]+)=(.*)$/s.exec(arg);
      const short = /^(-[IHd])(.+)$/s.exec(arg);
      const split = long ?? short;
      this.#flag = split?.[1] ?? arg;
      this.#inline = split?.[2];
      yield this.#flag;
    }
  }

  /** The value of the current flag: the `=value` part, or the next argument; missing or empty is a usage error. */
  value(): string {
    const value = this.#inline ?? this.#args[this.#at++];
    if (value === undefined || value === "") throw new UsageError(`${this.#flag} needs a value`);
    return value;
  }

  /** A usage error for a flag this command does not know. */
  unknown(flag: string): UsageError {
    return new UsageError(`unknown option ${flag} (see tsgrpc ${this.#command} --help)`);
  }
}
