import { healthV1 } from "../grpc/index.js";
import { GrpcError, createClient } from "../index.js";
import { ArgumentReader } from "./argument-reader.js";
import { CONNECTION_USAGE, defaultConnectionFlags, takeConnectionFlag } from "./connection-flags.js";
import { ExitCode } from "./exit-code.js";
import { reportStatus, withSession } from "./network-command.js";
import { UsageError, type CommandIo } from "./usage-error.js";

const { Health, HealthCheckResponse_ServingStatus: ServingStatus } = healthV1;

/** The help text of `tsgrpc health`. */
export const HEALTH_USAGE = `Usage: tsgrpc health <target> [service] [--watch] [options]

Asks the server's grpc.health.v1.Health service for the status of [service] (default "", the
server as a whole) and prints it: SERVING, NOT_SERVING, SERVICE_UNKNOWN or UNKNOWN. Usable as a
container health check: the exit code is 0 only for SERVING, 75 for any other status, the gRPC
status code when the check fails (5 NOT_FOUND: the server does not know the service,
12 UNIMPLEMENTED: it has no health service) and 69 when the target cannot be reached.

Options:
  --watch                  keep watching (Health.Watch): print every status as it changes, until
                           the server ends the stream or the process is interrupted; the exit
                           code is that of the last status
${CONNECTION_USAGE}  -h, --help               show this help
`;

/** `tsgrpc health`: a health check (or watch) of a server or one of its services. */
export async function healthCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const reader = new ArgumentReader(args, "health");
  const connection = defaultConnectionFlags();
  let watch = false;
  for (const flag of reader) {
    if (flag === "-h" || flag === "--help") {
      io.stdout(HEALTH_USAGE);
      return ExitCode.Ok;
    }
    if (flag === "--watch" || flag === "-w") watch = true;
    else if (!takeConnectionFlag(flag, reader, connection)) throw reader.unknown(flag);
  }
  const [target, service = "", ...extra] = reader.positional;
  if (target === undefined) throw new UsageError("needs a target: tsgrpc health <target> [service]");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: tsgrpc health <target> [service]`);
  return withSession(target, connection, false, async ({ channel, options }) => {
    const client = createClient(Health, channel);
    const exitOf = (status: number): number => (status === ServingStatus.SERVING ? ExitCode.Ok : ExitCode.NotServing);
    const nameOf = (status: number): string => ServingStatus[status] ?? `${status}`;
    try {
      if (!watch) {
        const response = await client.check({ service }, options);
        io.stdout(`${nameOf(response.status)}\n`);
        return exitOf(response.status);
      }
      let last: number = ExitCode.NotServing;
      for await (const response of client.watch({ service }, options)) {
        io.stdout(`${nameOf(response.status)}\n`);
        last = exitOf(response.status);
      }
      return last;
    } catch (error) {
      if (error instanceof GrpcError) return reportStatus(error, io);
      throw error;
    }
  });
}
