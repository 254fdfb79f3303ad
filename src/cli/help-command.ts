import type { CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc` itself. */
export const USAGE = `Usage: tsgrpc <command> [options]

Commands:
  call      call a method with JSON requests, print JSON responses (tsgrpc call --help)
  list      list a server's services, or a service's methods (tsgrpc list --help)
  describe  print a service, method, message or enum as .proto (tsgrpc describe --help)
  health    check a server's health (grpc.health.v1), exit 0 only when SERVING
  gen       generate TypeScript from .proto files (tsgrpc gen --help)
  trace     run one call and print every protocol layer of it (tsgrpc trace --help)
  interop   the gRPC interop test client and server (tsgrpc interop --help)
  probe     check a gRPC server or client against the spec (tsgrpc probe --help)
  help      show this help

call, list and describe read the schema through server reflection (grpc.reflection.v1, else
v1alpha), or from --proto files. Targets: host:port, dns:///host:port, unix:/path, [::1]:port,
https://host (TLS).

Exit codes (interop and probe: 0 every case or check passed, 1 one failed, 64 a usage mistake):
  0       done (the call ended OK; health: SERVING)
  1..16   the call failed with this gRPC status code (2 UNKNOWN, 5 NOT_FOUND, 14 UNAVAILABLE, ...)
  64      usage: an unknown command or option, a missing or malformed argument
  65      bad input data: malformed JSON, a field the message lacks, a wrong-typed value,
          a .proto file that does not parse
  66      a file named on the command line cannot be read
  67      the service, method or symbol is not in the schema
  69      the target cannot be reached (no connection)
  70      an unexpected failure of tsgrpc itself
  75      health: the server answered with a status other than SERVING
  76      the server has no reflection service and no --proto was given

The protoc plugin is the separate bin protoc-gen-tsgrpc (protoc --tsgrpc_out=DIR ...).
`;

/** `tsgrpc help`: prints the commands. */
export function helpCommand(_args: readonly string[], io: CommandIo): number {
  io.stdout(USAGE);
  return 0;
}
