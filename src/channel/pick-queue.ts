import { MAX_TIMER_MS } from "../deadline/index.js";
import { type GrpcError, abortError } from "../status/index.js";

interface PendingPick<T> {
  resolve(transport: T): void;
  reject(error: GrpcError): void;
  waitForReady: boolean;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The calls waiting for a transport while the channel is not READY, in arrival order. Each
 * waits until the balancer hands it a transport or a failure, its deadline passes
 * (DEADLINE_EXCEEDED) or its AbortSignal aborts (the signal's GrpcError reason, else CANCELLED).
 * https://github.com/grpc/grpc/blob/master/doc/wait-for-ready.md
 */
export class PickQueue<T> {
  private pending: PendingPick<T>[] = [];
  private readonly deadlineError: () => GrpcError;

  /** `deadlineError` builds the error of a pick whose deadline passed (it names the channel's last failure). */
  constructor(deadlineError: () => GrpcError) {
    this.deadlineError = deadlineError;
  }

  /** The number of waiting picks. */
  get size(): number {
    return this.pending.length;
  }

  /** Queues a pick; the promise settles through `retry` or `failAll`, or on deadline or abort. */
  wait(waitForReady: boolean, deadline: number | undefined, signal: AbortSignal | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const pick: PendingPick<T> = { resolve, reject, waitForReady, timer: undefined, signal, onAbort: undefined };
      if (deadline !== undefined) {
        const ms = Math.max(0, deadline - Date.now());
        pick.timer = setTimeout(() => this.settle(pick, this.deadlineError()), Math.min(ms, MAX_TIMER_MS));
      }
      if (signal !== undefined) {
        pick.onAbort = () => this.settle(pick, abortError(signal));
        signal.addEventListener("abort", pick.onAbort, { once: true });
      }
      this.pending.push(pick);
    });
  }

  /**
   * Offers every waiting pick, in order, a transport from `pick`; a pick that gets none fails
   * with `failFast(waitForReady)` when that returns an error, and waits on otherwise.
   */
  retry(pick: () => T | undefined, failFast: (waitForReady: boolean) => GrpcError | undefined): void {
    for (const waiting of this.pending.slice()) {
      const transport = pick();
      if (transport !== undefined) this.settle(waiting, undefined, transport);
      else {
        const failure = failFast(waiting.waitForReady);
        if (failure !== undefined) this.settle(waiting, failure);
      }
    }
  }

  /** Fails every waiting pick with an error from `failure` (the channel shut down). */
  failAll(failure: () => GrpcError): void {
    for (const waiting of this.pending.slice()) this.settle(waiting, failure());
  }

  private settle(pick: PendingPick<T>, error: GrpcError | undefined, transport?: T): void {
    const index = this.pending.indexOf(pick);
    if (index < 0) return;
    this.pending.splice(index, 1);
    if (pick.timer !== undefined) clearTimeout(pick.timer);
    if (pick.onAbort !== undefined) pick.signal!.removeEventListener("abort", pick.onAbort);
    if (error !== undefined) pick.reject(error);
    else pick.resolve(transport!);
  }
}
