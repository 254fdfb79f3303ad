import type { Compression } from "../compression/index.js";
import { MAX_TIMER_MS, earliest } from "../deadline/index.js";
import type { Connection, StreamEndListener } from "../http2/client/index.js";
import { requestHeadToHeaders } from "../http2/index.js";
import { Metadata } from "../metadata/index.js";
import type { Method } from "../service/index.js";
import type { HedgingPolicy, RetryPolicy } from "../service-config/index.js";
import { Code, GrpcError, abortError } from "../status/index.js";
import type { CallTrace } from "../trace/index.js";
import { callCredentialsOf } from "./call-credentials.js";
import type { CallOptions } from "./call-options.js";
import { startCallTrace } from "./call-trace.js";
import { channelCore, type Channel } from "./channel.js";

const EMPTY_METADATA = new Metadata();

/** The HTTP/2 request headers of a call, as the http2 layer builds them (node:http2 stays below us). */
type RequestHeaders = ReturnType<typeof requestHeadToHeaders>;

/** Per channel, per method path: the request headers of a call with no metadata, deadline or compression. */
const plainHeaders = new WeakMap<Channel, Map<string, Readonly<RequestHeaders>>>();

/** Everything a call needs before it opens its stream, computed once from the options. */
export interface CallSetup {
  readonly headers: Readonly<RequestHeaders>;
  /** Absolute deadline (epoch ms), undefined for none. */
  readonly deadline: number | undefined;
  readonly compression: Compression | undefined;
  readonly maxReceiveBytes: number;
  readonly maxSendBytes: number;
  /** The caller's signal and the parent's, when given. */
  readonly signal: AbortSignal | undefined;
  readonly parentSignal: AbortSignal | undefined;
  readonly waitForReady: boolean;
  /** The method's retry or hedging policy (service config), undefined for none or when retries are off. */
  readonly policy: RetryPolicy | HedgingPolicy | undefined;
  /** The call's trace (docs/LAYERS.md); undefined when tracing is off. */
  readonly trace: CallTrace | undefined;
  /** The request metadata the headers were built from. */
  readonly metadata: Metadata;
  /** Call credentials still to run before the stream opens (applyCallCredentials rebuilds the headers). */
  readonly credentials: ReturnType<typeof callCredentialsOf>;
}

/** Anything a CallWatch can cancel: one stream, or a retried call with its attempts. */
export interface Cancellable {
  cancel(error: GrpcError): void;
}

/**
 * Builds the request headers and limits of a call. Throws DEADLINE_EXCEEDED when the deadline
 * has already passed and CANCELLED when a signal has already aborted: nothing is sent then.
 */
export function setupCall<I>(channel: Channel, method: Method<I>, options: CallOptions<I>): CallSetup {
  const parent = options.parent;
  const core = channelCore(channel);
  // The service config's method config, when there is one (a Map lookup; none without a config).
  const config = core.calls.methodConfig(method.path);
  const configTimeoutMs = config?.timeoutMs;
  let deadline: number | undefined;
  const timed =
    options.timeoutMs !== undefined || options.deadline !== undefined || parent?.deadline !== undefined || configTimeoutMs !== undefined;
  const now = timed ? Date.now() : 0;
  if (timed) {
    const given = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
    // The config's timeout and the call's own deadline: the earliest wins (service_config.proto).
    deadline = earliest(
      given,
      options.timeoutMs === undefined ? undefined : now + options.timeoutMs,
      parent?.deadline,
      configTimeoutMs === undefined ? undefined : now + configTimeoutMs,
    );
    // Beyond what a timer can wait, a deadline means "none" (docs/ARCHITECTURE.md §10).
    if (deadline !== undefined && (deadline - now > MAX_TIMER_MS || !Number.isFinite(deadline))) deadline = undefined;
  }
  const signal = options.signal;
  const parentSignal = parent?.signal;
  if (signal?.aborted) throw abortError(signal);
  if (parentSignal?.aborted) throw abortError(parentSignal, "parent call");
  const timeoutMs = deadline === undefined ? undefined : deadline - now;
  if (timeoutMs !== undefined && timeoutMs <= 0) throw deadlineError(deadline!, now);
  const compression = lookupCompression(channel, options.compression ?? channel.compression);
  const metadata = options.metadata ?? EMPTY_METADATA;
  // The common call (no metadata, deadline or compression) reuses its method's headers: node copies them.
  const plain = metadata.size === 0 && timeoutMs === undefined && compression === undefined;
  let headers = plain ? plainHeaders.get(channel)?.get(method.path) : undefined;
  if (headers === undefined) {
    headers = requestHeadToHeaders(
      {
        path: method.path,
        authority: core.authority,
        metadata,
        timeoutMs,
        encoding: compression?.name,
        acceptEncoding: channel.acceptEncoding,
      },
      { scheme: core.scheme, userAgent: channel.userAgent },
    );
    if (plain) {
      let byPath = plainHeaders.get(channel);
      if (byPath === undefined) plainHeaders.set(channel, (byPath = new Map()));
      byPath.set(method.path, Object.freeze(headers));
    }
  }
  const maxReceiveBytes = options.maxReceiveMessageBytes ?? channel.maxReceiveMessageBytes;
  if (config === undefined)
    return {
      headers,
      deadline,
      compression,
      maxReceiveBytes,
      maxSendBytes: channel.maxSendMessageBytes,
      signal,
      parentSignal,
      waitForReady: options.waitForReady ?? false,
      policy: undefined,
      trace: startCallTrace(channel, method, timeoutMs),
      metadata,
      credentials: callCredentialsOf(channel, options.callCredentials),
    };
  // Message limits: the smaller of the config's and the channel's (or call's) wins; a call's own
  // waitForReady overrides the config's (service_config.proto).
  return {
    headers,
    deadline,
    compression,
    maxReceiveBytes: Math.min(maxReceiveBytes, config.maxResponseMessageBytes ?? Infinity),
    maxSendBytes: Math.min(channel.maxSendMessageBytes, config.maxRequestMessageBytes ?? Infinity),
    signal,
    parentSignal,
    waitForReady: options.waitForReady ?? config.waitForReady ?? false,
    policy: core.calls.retries ? config.policy : undefined,
    trace: startCallTrace(channel, method, timeoutMs),
    metadata,
    credentials: callCredentialsOf(channel, options.callCredentials),
  };
}

/**
 * gRFC A2: a call started before the resolver's first result, when that result may bring a
 * service config, waits for it, then is set up with the config it brought (not the default).
 * Returns undefined at once when there is nothing to wait for; else the call's options to set it
 * up with: its deadline made absolute from the call's start, the method config's timeout counted
 * from the start too. The wait ends DEADLINE_EXCEEDED at the call's deadline and CANCELLED when a
 * signal aborts. A resolver that fails ends the wait too: the call then fails (or waits for
 * ready) as any call does while the channel has no address.
 */
export function configWait<I>(channel: Channel, method: Method<I>, options: CallOptions<I>): Promise<CallOptions<I>> | undefined {
  const pending = channelCore(channel).balancer.configPending();
  if (pending === undefined) return undefined;
  // A caller's mistake is a TypeError thrown at the call, waiting or not.
  lookupCompression(channel, options.compression ?? channel.compression);
  return waitForConfig(channel, method, options, pending);
}

async function waitForConfig<I>(
  channel: Channel,
  method: Method<I>,
  options: CallOptions<I>,
  pending: Promise<void>,
): Promise<CallOptions<I>> {
  const start = Date.now();
  const given = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  const deadline = earliest(given, options.timeoutMs === undefined ? undefined : start + options.timeoutMs, options.parent?.deadline);
  const signals = [options.signal, options.parent?.signal].filter((signal) => signal !== undefined);
  for (const signal of signals) if (signal.aborted) throw abortError(signal, signal === options.signal ? "signal" : "parent call");
  if (deadline !== undefined || signals.length > 0) {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        pending.then(resolve);
        if (deadline !== undefined && deadline - start <= MAX_TIMER_MS)
          timer = setTimeout(() => reject(deadlineError(deadline, start)), Math.max(0, deadline - start));
        onAbort = () => {
          const aborted = signals.find((signal) => signal.aborted)!;
          reject(abortError(aborted, aborted === options.signal ? "signal" : "parent call"));
        };
        for (const signal of signals) signal.addEventListener("abort", onAbort);
      });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener("abort", onAbort!);
    }
  } else await pending;
  const configTimeoutMs = channelCore(channel).calls.methodConfig(method.path)?.timeoutMs;
  const fromStart = earliest(deadline, configTimeoutMs === undefined ? undefined : start + configTimeoutMs);
  return fromStart === undefined ? options : { ...options, deadline: fromStart, timeoutMs: undefined };
}

/** A connection for the call: at once on the fast path, else when the channel is ready. */
export function pickConnection(channel: Channel, setup: CallSetup): Connection | Promise<Connection> {
  return channelCore(channel).balancer.pick(setup.waitForReady, setup.deadline, setup.signal ?? setup.parentSignal);
}

/** pickConnection() for a hedge: a connection to another backend than the `used` ones when one is ready (gRFC A6). */
export function pickOtherConnection(channel: Channel, setup: CallSetup, used: readonly Connection[]): Connection | Promise<Connection> {
  return channelCore(channel).balancer.pickOther(used, setup.waitForReady, setup.deadline, setup.signal ?? setup.parentSignal);
}

/** Where the load-balancing policy counts the end of a call on `connection` (outlier detection); undefined when it counts nothing. */
export function callCounter(channel: Channel, connection: Connection): StreamEndListener | undefined {
  return channelCore(channel).balancer.callCounter(connection);
}

/**
 * Cancels a stream when the call's deadline passes or one of its signals aborts; `dispose()`
 * removes the timer and listeners. Created only when the call has a deadline or a signal.
 */
export class CallWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly stream: Cancellable;
  private readonly setup: CallSetup;

  constructor(stream: Cancellable, setup: CallSetup) {
    this.stream = stream;
    this.setup = setup;
    const deadline = setup.deadline;
    if (deadline !== undefined) {
      const start = Date.now();
      this.timer = setTimeout(() => stream.cancel(deadlineError(deadline, start)), Math.max(0, deadline - start));
    }
    setup.signal?.addEventListener("abort", this.onAbort);
    setup.parentSignal?.addEventListener("abort", this.onParentAbort);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.setup.signal?.removeEventListener("abort", this.onAbort);
    this.setup.parentSignal?.removeEventListener("abort", this.onParentAbort);
  }

  private readonly onAbort = (): void => this.stream.cancel(abortError(this.setup.signal!));
  private readonly onParentAbort = (): void => this.stream.cancel(abortError(this.setup.parentSignal!, "parent call"));
}

/** Whether a call needs a CallWatch at all. */
export function needsWatch(setup: CallSetup): boolean {
  return setup.deadline !== undefined || setup.signal !== undefined || setup.parentSignal !== undefined;
}

/**
 * The status a failed call reports: a CANCELLED that races the call's own deadline is
 * DEADLINE_EXCEEDED (PROTOCOL-HTTP2.md: the client checks its deadline on CANCELLED).
 */
export function finalError(error: unknown, deadline: number | undefined): GrpcError {
  const status = GrpcError.from(error, Code.Unknown, "client: unexpected error");
  if (status.code === Code.Cancelled && deadline !== undefined && Date.now() >= deadline)
    return new GrpcError(Code.DeadlineExceeded, `deadline: exceeded (the server's ${status.statusMessage || "CANCELLED"} came after it)`, {
      metadata: status.metadata,
      cause: status,
    });
  return status;
}

/** A response in an encoding we cannot decode is INTERNAL at the client (doc/compression.md). */
export function receiveCompressionError(error: unknown): GrpcError {
  const status = error as GrpcError;
  return status.code === Code.Unimplemented ? new GrpcError(Code.Internal, status.statusMessage, { cause: status }) : status;
}

function lookupCompression(channel: Channel, wanted: Compression | string | undefined): Compression | undefined {
  if (wanted === undefined) return undefined;
  if (typeof wanted !== "string") return wanted.name === "identity" ? undefined : wanted;
  if (wanted === "identity" || wanted === "") return undefined;
  for (const compression of channel.compressions) if (compression.name === wanted) return compression;
  throw new TypeError(`client: compression ${JSON.stringify(wanted)} is not one of the channel's (${channel.acceptEncoding})`);
}

/** The DEADLINE_EXCEEDED of a call whose deadline, set at `start`, passed. */
export function deadlineError(deadline: number, start: number): GrpcError {
  return new GrpcError(Code.DeadlineExceeded, `deadline: exceeded after ${Math.max(0, Math.round(deadline - start))} ms`);
}
