// Helpers shared by the browser client's tests: a fake fetch, responses whose body arrives in
// chunks, bodies cut every way, and the outcome of a call that must fail.
import { expect } from "chai";
import { GrpcError } from "../../src/index.js";
import type { FetchFunction } from "../../src/web-client/index.js";
import { grpcErrorOf } from "../pipeline/helpers.js";

/** One request a fake fetch saw: the URL and init as given, and init's headers and body. */
export interface Recorded {
  url: string;
  init: RequestInit;
  headers: Headers;
  body: unknown;
}

/** A fetch that records its requests and answers each with the response `answer` builds. */
export function fakeFetch(answer: () => Response): { fetch: FetchFunction; requests: Recorded[] } {
  const requests: Recorded[] = [];
  return {
    requests,
    fetch: async (url, init) => {
      requests.push({ url, init, headers: init.headers as Headers, body: init.body });
      return answer();
    },
  };
}

/** A response whose body arrives in the given chunks. */
export function response(status: number, headers: Record<string, string>, chunks: Uint8Array[] = []): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(body, { status, headers });
}

/** The body cut every way: whole, byte by byte, and in two at every `step`-th offset. */
export function cuts(body: Uint8Array, step = 1): Uint8Array[][] {
  const out: Uint8Array[][] = [[body], [...body].map((byte) => new Uint8Array([byte]))];
  for (let at = 1; at < body.length; at += step) out.push([body.subarray(0, at), body.subarray(at)]);
  return out;
}

/** The rejection of `promise`, which must reject with a GrpcError. */
export function failure(promise: Promise<unknown>): Promise<GrpcError> {
  return grpcErrorOf(() => promise);
}

/** Every response of a stream, or the GrpcError it ended with. */
export async function drain<T>(responses: AsyncIterable<T>): Promise<{ items: T[]; error: GrpcError | undefined }> {
  const items: T[] = [];
  try {
    for await (const item of responses) items.push(item);
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return { items, error: error as GrpcError };
  }
  return { items, error: undefined };
}
