// The route-guide client: each RouteGuide call kind once, plus what goes wrong in real life: a
// rich error, a deadline that passes, a call the client cancels. Every line it prints is returned
// too (the example's test checks them).
import { Channel, Code, type Compression, GrpcError, Metadata, createClient, gzip } from "../../src/index.js";
import { BadRequest, findDetail } from "../../src/wkt/index.js";
import { FEATURES, formatPoint } from "./features.js";
import { DELAY_HEADER } from "./server.js";
import { type Point, RouteGuide, type RouteNoteInput } from "./route_guide_pb.js";

/** gzip that counts the messages it decompresses: the responses that arrived compressed. */
class CountingGzip implements Compression {
  readonly name = gzip.name;
  decompressed = 0;
  compress(bytes: Uint8Array): Promise<Uint8Array> {
    return gzip.compress(bytes);
  }
  decompress(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
    this.decompressed++;
    return gzip.decompress(bytes, maxBytes);
  }
}

/** The error's status code name and message, for printing. */
function describe(error: unknown): string {
  if (!(error instanceof GrpcError)) throw error;
  return `${Code[error.code]}: ${error.statusMessage}`;
}

/** Runs the tour against the server at `target` over TLS trusting `ca`; returns the printed lines. */
export async function runRouteGuideClient(
  target: string,
  ca: string | Uint8Array,
  print: (line: string) => void = console.log,
): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    print(line);
  };
  const counting = new CountingGzip();
  const channel = new Channel(target, { tls: { ca }, compressions: [counting] });
  const guide = createClient(RouteGuide, channel);
  try {
    // Unary, with a deadline and a request header; the server answers with a response header.
    const known = FEATURES[0]!.location!;
    let headers: Metadata | undefined;
    const feature = await guide.getFeature(known, {
      timeoutMs: 2000,
      metadata: new Metadata().set("x-client-name", "route-guide-example"),
      onHeaders: (m) => (headers = m),
    });
    say(`client: GetFeature(${formatPoint(known)}) -> "${feature.name}" (server knows ${headers?.get("x-route-guide-features")} features)`);
    const empty = await guide.getFeature({ latitude: 0, longitude: 0 }, { timeoutMs: 2000 });
    say(`client: GetFeature(0,0) -> ${empty.name === "" ? "no feature there" : `"${empty.name}"`}`);

    // A rich error: INVALID_ARGUMENT with a google.rpc.BadRequest naming the bad field.
    try {
      await guide.getFeature({ latitude: 950_000_000, longitude: 0 }, { timeoutMs: 2000 });
      say("client: GetFeature off the map unexpectedly succeeded");
    } catch (error) {
      const violation = error instanceof GrpcError ? findDetail(error, BadRequest)?.fieldViolations[0] : undefined;
      say(`client: GetFeature off the map -> ${describe(error)}; BadRequest ${violation?.field}: ${violation?.description}`);
    }

    // Server streaming, responses gzip-compressed by the server; a trailer counts them.
    const rectangle = { lo: { latitude: 400_000_000, longitude: -750_000_000 }, hi: { latitude: 420_000_000, longitude: -730_000_000 } };
    let trailers: Metadata | undefined;
    const before = counting.decompressed;
    const names: string[] = [];
    for await (const found of guide.listFeatures(rectangle, { timeoutMs: 5000, onTrailers: (m) => (trailers = m) })) names.push(found.name);
    say(
      `client: ListFeatures -> ${names.length} features, ${counting.decompressed - before} arrived gzip-compressed, trailer says ${trailers?.get("x-route-guide-sent")} sent`,
    );

    // A deadline that passes: the server paces ListFeatures at 300 ms a feature, the client allows 500 ms.
    try {
      let got = 0;
      const slow = new Metadata().set(DELAY_HEADER, "300");
      for await (const _ of guide.listFeatures(rectangle, { timeoutMs: 500, metadata: slow })) got++;
      say(`client: slow ListFeatures unexpectedly finished with ${got} features`);
    } catch (error) {
      say(`client: slow ListFeatures with a 500 ms deadline -> ${describe(error)}`);
    }

    // Cancellation: take the first feature, then stop the call.
    const controller = new AbortController();
    try {
      const slow = new Metadata().set(DELAY_HEADER, "100");
      for await (const first of guide.listFeatures(rectangle, { signal: controller.signal, metadata: slow, timeoutMs: 5000 })) {
        say(`client: first feature "${first.name}", cancelling the rest`);
        controller.abort();
      }
      say("client: cancelled ListFeatures unexpectedly finished");
    } catch (error) {
      say(`client: cancelled ListFeatures -> ${describe(error)}`);
    }

    // Client streaming, the requests gzip-compressed; the server reports that in a trailer.
    const route: Point[] = FEATURES.slice(0, 4).map((f) => f.location!);
    let routeTrailers: Metadata | undefined;
    const summary = await guide.recordRoute(
      (async function* () {
        yield* route;
      })(),
      { timeoutMs: 5000, compression: "gzip", onTrailers: (m) => (routeTrailers = m) },
    );
    say(
      `client: RecordRoute(${route.length} points) -> ${summary.pointCount} points, ${summary.featureCount} features, ${summary.distance} m (request compressed: ${routeTrailers?.get("x-route-guide-request-compressed")})`,
    );

    // Bidi streaming: notes at two points; each note brings back the earlier ones at its point.
    const here = { latitude: 10_000_000, longitude: 10_000_000 };
    const there = { latitude: 20_000_000, longitude: 20_000_000 };
    const notes: RouteNoteInput[] = [
      { location: here, message: "first at here" },
      { location: there, message: "first at there" },
      { location: here, message: "second at here" },
      { location: there, message: "second at there" },
    ];
    const heard: string[] = [];
    for await (const note of guide.routeChat(
      (async function* () {
        yield* notes;
      })(),
      { timeoutMs: 5000 },
    ))
      heard.push(`"${note.message}"@${formatPoint(note.location)}`);
    say(`client: RouteChat(${notes.length} notes) -> ${heard.join(", ")}`);
  } finally {
    channel.close();
  }
  return lines;
}
