import type { CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc` itself. */
export const USAGE = `Usage: tsgrpc <command> [options]

Commands:
  gen    generate TypeScript from .proto files (tsgrpc gen --help)
  interop  the gRPC interop test client and server (tsgrpc interop --help)
  trace  run one call and print every protocol layer of it (tsgrpc trace --help)
  probe  check a gRPC server or client against the spec (tsgrpc probe --help)
  help   show this help

The protoc plugin is the separate bin protoc-gen-tsgrpc (protoc --tsgrpc_out=DIR ...).
`;

/** `tsgrpc help`: prints the commands. */
export function helpCommand(_args: readonly string[], io: CommandIo): number {
  io.stdout(USAGE);
  return 0;
}
