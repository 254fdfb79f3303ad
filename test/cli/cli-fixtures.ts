// Fixtures of the CLI tests: run `tsgrpc` in-process with buffers for stdout, stderr and stdin,
// and a tsgrpc RouteGuide server (all four call kinds) with a small reflection and health service.
import { setTimeout as sleep } from "node:timers/promises";
import { RouteGuide, file_route_guide, type Point } from "../../examples/route-guide/route_guide_pb.js";
import { runCli } from "../../src/cli/run-cli.js";
import { healthV1, reflectionV1alpha } from "../../src/grpc/index.js";
import { Code, GrpcError, Server, type ServerTlsOptions } from "../../src/index.js";
import { BadRequest, anyPack, richError } from "../../src/wkt/index.js";

/** What one `tsgrpc` run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tsgrpc ...args` in-process; `stdin` is fed in the chunks given (each after a short pause). */
export async function tsgrpc(args: readonly string[], stdin: readonly string[] = []): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  async function* input(): AsyncIterable<string> {
    for (const chunk of stdin) {
      await sleep(5);
      yield chunk;
    }
  }
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), stdin: input() });
  return { code, stdout, stderr };
}

/** Parses stdout holding pretty-printed JSON documents one after another. */
export function jsonDocuments(stdout: string): unknown[] {
  return stdout
    .split(/\n(?=\{)/)
    .filter((part) => part.trim() !== "")
    .map((part) => JSON.parse(part) as unknown);
}

/** Options of the test server. */
export interface RouteGuideOptions {
  tls?: ServerTlsOptions;
  /** Serve grpc.reflection.v1alpha (only: the CLI must fall back to it from v1). Default true. */
  reflection?: boolean;
  /** Health statuses by service name. */
  health?: Record<string, healthV1.HealthCheckResponse_ServingStatus>;
}

/** A started test server: its target and what its handlers saw. */
export interface StartedRouteGuide {
  server: Server;
  target: string;
  /** The request metadata of the last call, as JSON. */
  lastMetadata: Record<string, string[]>;
  /** Whether the last client-streaming request came compressed. */
  lastCompressed: boolean;
}

const { ServingStatus } = { ServingStatus: healthV1.HealthCheckResponse_ServingStatus };

function check(point: Point | undefined, field: string): Point {
  const checked = point ?? { latitude: 0, longitude: 0 };
  if (Math.abs(checked.latitude) > 900_000_000)
    throw richError(Code.InvalidArgument, `route guide: ${field} is off the map`, [
      anyPack(BadRequest, { fieldViolations: [{ field: `${field}.latitude`, description: "beyond a pole" }] }),
    ]);
  return checked;
}

/** Starts RouteGuide (plus reflection v1alpha and health) on 127.0.0.1:0. */
export async function startRouteGuide(options: RouteGuideOptions = {}): Promise<StartedRouteGuide> {
  const server = new Server({ logger: null, trace: false });
  const started: StartedRouteGuide = { server, target: "", lastMetadata: {}, lastCompressed: false };
  server.add(RouteGuide, {
    async getFeature(point, ctx) {
      started.lastMetadata = ctx.metadata.toJSON();
      const at = check(point, "point");
      const delay = Number(ctx.metadata.get("x-delay-ms") ?? 0);
      if (delay > 0) await sleep(delay, undefined, { signal: ctx.signal });
      ctx.headers.set("x-served-by", "route-guide");
      ctx.trailers.set("x-answered", "yes");
      return { name: at.latitude === 1 ? "One" : "", location: at };
    },
    async *listFeatures(rectangle) {
      const lo = check(rectangle.lo, "lo").latitude;
      const hi = check(rectangle.hi, "hi").latitude;
      for (let latitude = lo; latitude <= hi; latitude++) yield { name: `f${latitude}`, location: { latitude, longitude: 0 } };
    },
    async recordRoute(points, ctx) {
      let pointCount = 0;
      let distance = 0;
      for await (const point of points) {
        pointCount++;
        distance += check(point, `points[${pointCount - 1}]`).latitude;
      }
      started.lastCompressed = ctx.requestCompressed;
      return { pointCount, featureCount: 0, distance, elapsedTime: 0 };
    },
    async *routeChat(notes) {
      for await (const note of notes) yield { location: note.location, message: `echo ${note.message}` };
    },
  });
  if (options.reflection !== false) {
    server.add(reflectionV1alpha.ServerReflection, {
      async *serverReflectionInfo(requests) {
        for await (const request of requests) {
          const { case: kind, value } = request.messageRequest;
          const known =
            (kind === "fileContainingSymbol" && value.startsWith("routeguide.")) ||
            (kind === "fileByFilename" && value === "route_guide.proto");
          if (kind === "listServices")
            yield { messageResponse: { case: "listServicesResponse", value: { service: [{ name: "routeguide.RouteGuide" }] } } };
          else if (known) yield { messageResponse: { case: "fileDescriptorResponse", value: { fileDescriptorProto: [file_route_guide] } } };
          else
            yield { messageResponse: { case: "errorResponse", value: { errorCode: Code.NotFound, errorMessage: `${value} not found` } } };
        }
      },
    });
  }
  if (options.health !== undefined) {
    const statuses = options.health;
    server.add(healthV1.Health, {
      async check({ service }) {
        const status = statuses[service];
        if (status === undefined) throw new GrpcError(Code.NotFound, `unknown service ${service}`);
        return { status };
      },
      async *watch({ service }) {
        yield { status: statuses[service] ?? ServingStatus.SERVICE_UNKNOWN };
        yield { status: ServingStatus.SERVING };
      },
      async list() {
        return { statuses: {} };
      },
    });
  }
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 }, options.tls);
  started.target = options.tls === undefined ? `127.0.0.1:${port}` : `localhost:${port}`;
  return started;
}
