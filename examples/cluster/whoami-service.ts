// cluster.Whoami: answers with the process that served the call, so a client can see which
// worker of a cluster it reached. JSON messages, no .proto needed.
import { type Codec, type ServiceImplementation, defineService } from "../../src/index.js";

function json<T>(): Codec<T> {
  return {
    encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as T,
  };
}

/** A Whoami request: wait `delayMs` before answering (to have a call in flight during a shutdown). */
export interface WhoamiRequest {
  delayMs?: number;
}

/** Who answered: the worker's process id and its cluster worker id (0 outside a cluster). */
export interface WhoamiReply {
  pid: number;
  workerId: number;
}

/** The service: one unary method. */
export const Whoami = defineService("cluster.Whoami", {
  whoami: { kind: "unary", requestCodec: json<WhoamiRequest>(), responseCodec: json<WhoamiReply>() },
});

/** Its implementation in this process. */
export function whoamiImplementation(workerId: number): ServiceImplementation<typeof Whoami> {
  return {
    async whoami(request, ctx) {
      const delayMs = Math.min(Math.max(0, Number(request.delayMs) || 0), 60_000);
      if (delayMs > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          const onAbort = (): void => {
            clearTimeout(timer);
            resolve();
          };
          ctx.signal.addEventListener("abort", onAbort, { once: true });
        });
      return { pid: process.pid, workerId };
    },
  };
}
