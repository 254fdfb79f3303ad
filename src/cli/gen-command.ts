import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFiles, loadProtos } from "../gen/index.js";
import { UsageError, type CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc gen`. */
export const GEN_USAGE = `Usage: tsgrpc gen [--out DIR] [-I DIR]... FILE.proto...

Generates one TypeScript module per .proto file: a/b/c.proto -> DIR/a/b/c_pb.ts.
Parses with protobufjs (no protoc needed); google/protobuf/*.proto resolve with no -I.

Options:
  -o, --out DIR            output directory (default: gen)
  -I, --proto_path DIR     directory to search for imports, in order (default: .);
                           every FILE must lie under one of them
  --runtime-import MODULE  module the generated code imports tsgrpc from (default: tsgrpc);
                           a path starting with ./ or ../ is taken from the output directory
  -h, --help               show this help
`;

/** The parsed arguments of `tsgrpc gen`. */
export interface GenArguments {
  out: string;
  includeDirs: string[];
  files: string[];
  runtimeImport: string | undefined;
  help: boolean;
}

/** Parses the arguments of `tsgrpc gen`; a mistake is a UsageError. */
export function parseGenArguments(args: readonly string[]): GenArguments {
  const parsed: GenArguments = { out: "gen", includeDirs: [], files: [], runtimeImport: undefined, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (flag: string): string => {
      const next = args[++i];
      if (next === undefined || next === "") throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const inline = /^(--[a-z_-]+)=(.*)$/.exec(arg);
    const flag = inline?.[1] ?? arg;
    const take = (): string => {
      if (inline === null) return value(flag);
      if (inline[2] === "") throw new UsageError(`${flag} needs a value`);
      return inline[2]!;
    };
    if (flag === "-h" || flag === "--help") parsed.help = true;
    else if (flag === "-o" || flag === "--out") parsed.out = take();
    else if (flag === "-I" || flag === "--proto_path" || flag === "--proto-path") parsed.includeDirs.push(take());
    else if (arg.startsWith("-I") && arg.length > 2) parsed.includeDirs.push(arg.slice(2));
    else if (flag === "--runtime-import") parsed.runtimeImport = take();
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg} (see tsgrpc gen --help)`);
    else parsed.files.push(arg);
  }
  if (!parsed.help && parsed.files.length === 0) throw new UsageError("no .proto files given (see tsgrpc gen --help)");
  return parsed;
}

/** `tsgrpc gen`: parses the .proto files and writes one _pb.ts module for each. Returns the exit code. */
export function genCommand(args: readonly string[], io: CommandIo): number {
  const parsed = parseGenArguments(args);
  if (parsed.help) {
    io.stdout(GEN_USAGE);
    return 0;
  }
  const { root, files, requested } = loadProtos(parsed.files, parsed.includeDirs);
  const generated = generateFiles(root, files, requested, { runtimeImport: parsed.runtimeImport });
  for (const file of generated) {
    const path = join(parsed.out, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    io.stdout(`wrote ${path}\n`);
  }
  return 0;
}
