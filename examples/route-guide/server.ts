// The route-guide server: RouteGuide on a small map, over TLS, showing what a real service does
// with deadlines (ctx.signal ends paced work), cancellation, metadata (a header and a trailer),
// rich errors (google.rpc.BadRequest details), and response compression.
// RouteGuide and its message types come from route_guide_pb.ts, which `npm run gen:examples`
// generates from route_guide.proto.
import { setTimeout as sleep } from "node:timers/promises";
import { Code, GrpcError, Server, type ServerContext, type ServerTlsOptions } from "../../src/index.js";
import { BadRequest, anyPack, richError } from "../../src/wkt/index.js";
import { FEATURES, distanceMeters, featureAt, inRectangle, pointViolations } from "./features.js";
import { type Point, RouteGuide, type RouteNote } from "./route_guide_pb.js";

/** Request metadata: how long ListFeatures waits before each feature it sends (to show deadlines). */
export const DELAY_HEADER = "x-route-delay-ms";

/** Fails INVALID_ARGUMENT with a google.rpc.BadRequest detail when `point` is off the map. */
function checkPoint(point: Point | undefined, field: string): Point {
  const checked = point ?? { latitude: 0, longitude: 0 };
  const fieldViolations = pointViolations(checked, field);
  if (fieldViolations.length > 0)
    throw richError(Code.InvalidArgument, `route guide: ${field} is off the map`, [anyPack(BadRequest, { fieldViolations })]);
  return checked;
}

/** The pacing the client asked for with DELAY_HEADER (0 when absent; at most 10 s). */
function delayOf(ctx: ServerContext): number {
  const value = ctx.metadata.get(DELAY_HEADER);
  const ms = typeof value === "string" ? Number(value) : 0;
  if (!Number.isFinite(ms) || ms < 0 || ms > 10_000)
    throw new GrpcError(Code.InvalidArgument, `route guide: ${DELAY_HEADER} must be 0..10000 ms, got ${String(value)}`);
  return ms;
}

/** What the server saw, for the example's printout. */
export interface ServerEvents {
  log(line: string): void;
}

/** Starts RouteGuide on 127.0.0.1:`port` (0: any free port) with `tls`; resolves with the bound port. */
export async function startRouteGuideServer(
  port: number,
  tls: ServerTlsOptions,
  events: ServerEvents = { log: (line) => console.log(line) },
): Promise<{ server: Server; port: number }> {
  const notes = new Map<string, RouteNote[]>();
  const server = new Server().add(RouteGuide, {
    async getFeature(point, ctx) {
      const at = checkPoint(point, "point");
      ctx.headers.set("x-route-guide-features", String(FEATURES.length));
      return featureAt(at) ?? { name: "", location: at };
    },

    async *listFeatures(rectangle, ctx) {
      const lo = checkPoint(rectangle.lo, "rectangle.lo");
      const hi = checkPoint(rectangle.hi, "rectangle.hi");
      const delay = delayOf(ctx);
      ctx.compression = "gzip"; // a list of features compresses well: every response message gzip
      let sent = 0;
      try {
        for (const feature of FEATURES) {
          if (feature.location === undefined || !inRectangle(feature.location, lo, hi)) continue;
          // ctx.signal aborts when the client cancels or the deadline passes: stop working at once.
          if (delay > 0) await sleep(delay, undefined, { signal: ctx.signal });
          yield feature;
          sent++;
        }
        ctx.trailers.set("x-route-guide-sent", String(sent));
      } catch (error) {
        if (ctx.signal.aborted)
          events.log(
            `server: ListFeatures stopped after ${sent} feature${sent === 1 ? "" : "s"} (${String(ctx.signal.reason?.message ?? ctx.signal.reason)})`,
          );
        throw error;
      }
    },

    async recordRoute(points, ctx) {
      const started = Date.now();
      let pointCount = 0;
      let featureCount = 0;
      let distance = 0;
      let previous: Point | undefined;
      for await (const point of points) {
        const at = checkPoint(point, `points[${pointCount}]`);
        pointCount++;
        if (featureAt(at)?.name) featureCount++;
        if (previous !== undefined) distance += distanceMeters(previous, at);
        previous = at;
      }
      ctx.trailers.set("x-route-guide-request-compressed", String(ctx.requestCompressed));
      return { pointCount, featureCount, distance, elapsedTime: Math.round((Date.now() - started) / 1000) };
    },

    async *routeChat(incoming) {
      for await (const note of incoming) {
        const at = checkPoint(note.location, "note.location");
        const key = `${at.latitude},${at.longitude}`;
        const earlier = notes.get(key) ?? [];
        yield* earlier;
        notes.set(key, [...earlier, note]);
      }
    },
  });
  const bound = await server.listen({ host: "127.0.0.1", port }, tls);
  return { server, port: bound.port ?? port };
}
