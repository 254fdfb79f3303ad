import {
  Balancer,
  ConnectivityState,
  formatAddress,
  parseTarget,
  resolveTarget,
  resolverResultOf,
  type Address,
  type BackoffOptions,
  type LoadBalancingConfigEntry,
  type LoadBalancingPolicy,
  type ResolverResult,
  type Target,
} from "../channel/index.js";
import { DEFAULT_COMPRESSIONS, acceptEncodingHeader, type Compression } from "../compression/index.js";
import { DEFAULT_MAX_RECEIVE_BYTES } from "../framing/index.js";
import { createHttp2Connect, type Connection, type TlsOptions } from "../http2/client/index.js";
import { parseServiceConfig, type ServiceConfigJson } from "../service-config/index.js";
import { CallConfig } from "./call-config.js";
import {
  ConnectionTrace,
  type Logger,
  type TraceOption,
  type Tracer,
  connectionTraces,
  resolveLogger,
  resolveTracer,
} from "../trace/index.js";
import { createHealthWatch } from "./health-watch.js";
import type { CallCredentials } from "./call-credentials.js";
import type { Interceptor } from "./interceptor.js";
import { DEFAULT_PER_CALL_RETRY_BUFFER_BYTES, DEFAULT_RETRY_BUFFER_BYTES, RetryBufferPool } from "./retry-buffer-pool.js";

/** Options of a Channel: connection settings plus call defaults. Every field is optional. */
export interface ChannelOptions {
  /** TLS (true or an options object) or plaintext h2c (default, unless the target is https://). */
  tls?: boolean | TlsOptions | undefined;
  /**
   * The load-balancing policy; it overrides the service config's `loadBalancingConfig`. Default:
   * the service config's first policy this channel knows, else "pick_first" (the first address
   * that connects takes every call).
   */
  loadBalancingPolicy?: LoadBalancingPolicy | undefined;
  /**
   * The default service config (gRFC A2), as an object or JSON text: per-method timeouts,
   * wait-for-ready, message limits, retry or hedging policies, retry throttling and the
   * load-balancing policy. Validated here: an invalid config is a TypeError naming the JSON path
   * and the rule. A config returned by the resolver replaces it. See docs/SERVICE-CONFIG.md.
   */
  serviceConfig?: ServiceConfigJson | string | undefined;
  /** Ignore service configs returned by the resolver: only `serviceConfig` applies. Default false. */
  ignoreResolverServiceConfig?: boolean | undefined;
  /** Set false to disable retries and hedging entirely, whatever the service config says (gRFC A6). Default true. */
  retries?: boolean | undefined;
  /** Bytes of sent messages the channel keeps for replaying retried and hedged calls. Default 16 MiB. */
  retryBufferBytes?: number | undefined;
  /** The share of one call in `retryBufferBytes`; a call that sends more commits to its attempt in flight. Default 1 MiB. */
  perCallRetryBufferBytes?: number | undefined;
  /**
   * The policy and its config, as gRFC A2's `loadBalancingConfig` list: the first supported
   * entry is used (`[{ round_robin: {} }]`, `[{ pick_first: { shuffleAddressList: true } }]`,
   * `[{ outlier_detection_experimental: { ..., childPolicy: [{ round_robin: {} }] } }]`).
   * Takes precedence over `loadBalancingPolicy`; an invalid config is a TypeError naming its
   * path. See docs/LOAD-BALANCING.md.
   */
  loadBalancingConfig?: readonly LoadBalancingConfigEntry[] | undefined;
  /**
   * The least time between two re-resolutions of the target caused by a lost connection.
   * Default 30000 ms (gRPC's DNS resolver).
   */
  minResolveIntervalMs?: number | undefined;
  /**
   * Look up the target's service config in DNS TXT records (`_grpc_config.<host>`,
   * `grpc_config=` choices, gRFC A2) with the default resolver. The chosen config travels with
   * the resolver result (`ResolverResult.serviceConfig`). Default false.
   */
  dnsServiceConfig?: boolean | undefined;
  /**
   * Client-side health checking (gRFC A17, the service config's `healthCheckConfig`): each
   * connected address watches `grpc.health.v1.Health/Watch` for `serviceName` ("" = the whole
   * server) and takes calls only while SERVING. Used by round_robin (and policies wrapping it);
   * pick_first ignores it, as in gRPC. A server answering UNIMPLEMENTED is used unchecked (a
   * process warning says so). Default off.
   */
  healthCheckConfig?: { serviceName?: string | undefined } | undefined;
  /** Keepalive ping period in ms. Default: off. */
  keepaliveTimeMs?: number | undefined;
  /** Time a keepalive ping may stay unanswered. Default 20000 ms. */
  keepaliveTimeoutMs?: number | undefined;
  /** Send keepalive pings without active calls. Default false. */
  keepalivePermitWithoutCalls?: boolean | undefined;
  /** Close a connection unused for this long. Default 30 minutes; Infinity keeps it. */
  idleTimeoutMs?: number | undefined;
  /** Reconnect backoff; defaults are the spec's. */
  backoff?: BackoffOptions | undefined;
  /**
   * Custom name resolution (service discovery): the addresses for the target. Default: the
   * system resolver for dns targets, the literal addresses otherwise. Called again when every
   * address failed (TRANSIENT_FAILURE), so a name that moved is followed. It may return a
   * ResolverResult to hand the channel a service config too.
   */
  resolver?: ((target: Target) => Promise<readonly Address[] | ResolverResult>) | undefined;
  /** Receive limit per message. Default 4 MiB. */
  maxReceiveMessageBytes?: number | undefined;
  /** Send limit per message. Default unlimited. */
  maxSendMessageBytes?: number | undefined;
  /** Compressions the channel can use and decode. Default gzip and deflate. */
  compressions?: readonly Compression[] | undefined;
  /** Request compression of every call unless a call says otherwise. Default none. */
  compression?: Compression | string | undefined;
  /** Interceptors of every call made on this channel, outermost first. */
  interceptors?: readonly Interceptor[] | undefined;
  /** Prepended to `user-agent` ("myapp/1.2 grpc-node-tsgrpc/0.1.0"). */
  userAgent?: string | undefined;
  /**
   * The protocol tracer (docs/LAYERS.md): true traces every call to stderr, a string is a filter
   * as TSGRPC_TRACE takes it ("client,/pkg.Service/*"), a function receives each TraceEvent, an
   * object says filter, sink or output and format; false turns it off. Default: TSGRPC_TRACE.
   */
  trace?: TraceOption | undefined;
  /**
   * Where connection events go at debug level (connect failures, GOAWAY, keepalive timeouts):
   * `console` or any object with error/warn/info/debug. Default: errors and warnings to stderr,
   * debug dropped; null silences everything.
   */
  logger?: Logger | null | undefined;
  /**
   * Credentials run for every call on this channel (before a call's own): they supply metadata
   * such as `authorization: Bearer <token>`. They need TLS: on a plaintext channel the
   * constructor throws a TypeError unless `allowInsecureCallCredentials` is set.
   */
  callCredentials?: CallCredentials | undefined;
  /**
   * Send call credentials over plaintext too (a sidecar on loopback, a test). Default false:
   * grpc-go and grpc-js also refuse to send them in the clear.
   */
  allowInsecureCallCredentials?: boolean | undefined;
}

/** What this folder's calls need of a channel beyond its public surface. */
export interface ChannelCore {
  /** Picks the HTTP/2 connection of each call. */
  readonly balancer: Balancer<Connection>;
  /** The `:authority` of every call. */
  readonly authority: string;
  /** "https" with TLS, else "http". */
  readonly scheme: "http" | "https";
  /** The service config as the calls see it: method configs, retry throttle and buffer. */
  readonly calls: CallConfig;
  /** The channel's tracer; undefined when tracing is off (then calls create no trace at all). */
  readonly tracer: Tracer | undefined;
  /** Credentials run for every call, if any. */
  readonly callCredentials: CallCredentials | undefined;
  /** Whether call credentials may go over plaintext. */
  readonly allowInsecureCallCredentials: boolean;
}

let coreOf: (channel: Channel) => ChannelCore;

/**
 * A virtual connection to a target ("host:port", "dns:host:port", "ipv4:a:p,b:p",
 * "ipv6:[::1]:p", "unix:path", "http(s)://host:port"): connects lazily, multiplexes calls over
 * HTTP/2 and reconnects with backoff. Closing it lets active calls finish.
 * https://github.com/grpc/grpc/blob/master/doc/naming.md
 */
export class Channel {
  /** The target as given to the constructor ("localhost:50051", "dns:///example.com:443", ...). */
  readonly target: string;
  /** The receive limit of this channel's calls, in bytes (ChannelOptions.maxReceiveMessageBytes). */
  readonly maxReceiveMessageBytes: number;
  /** The send limit of this channel's calls, in bytes (ChannelOptions.maxSendMessageBytes). */
  readonly maxSendMessageBytes: number;
  /** The compressions this channel can use and decode (ChannelOptions.compressions). */
  readonly compressions: readonly Compression[];
  /** The default request compression of this channel's calls (ChannelOptions.compression). */
  readonly compression: Compression | string | undefined;
  /** The interceptors around every call of this channel (ChannelOptions.interceptors). */
  readonly interceptors: readonly Interceptor[];
  /** The application's part of the user-agent header (ChannelOptions.userAgent). */
  readonly userAgent: string | undefined;
  /** The `grpc-accept-encoding` sent with every call. */
  readonly acceptEncoding: string;
  readonly #core: ChannelCore;

  static {
    coreOf = (channel) => channel.#core;
  }

  constructor(target: string, options: ChannelOptions = {}) {
    const serviceConfig = options.serviceConfig === undefined ? undefined : parseServiceConfig(options.serviceConfig);
    const bufferPool = new RetryBufferPool(
      byteOption(options.retryBufferBytes, "retryBufferBytes", DEFAULT_RETRY_BUFFER_BYTES),
      byteOption(options.perCallRetryBufferBytes, "perCallRetryBufferBytes", DEFAULT_PER_CALL_RETRY_BUFFER_BYTES),
    );
    // The wiring: the channel layer balances, http2/client opens its connections.
    const tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
    const parsed = parseTarget(target, tls === undefined ? 80 : 443);
    const secure = tls !== undefined || parsed.secure;
    const tracer = resolveTracer(options.trace);
    const logger = resolveLogger(options.logger);
    const connect = createHttp2Connect({
      traces: connectionTraces(tracer, logger, "client"),
      tls: secure ? (tls ?? {}) : undefined,
      serverName: parsed.host,
      timers: {
        keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 20_000,
        keepalivePermitWithoutCalls: options.keepalivePermitWithoutCalls ?? false,
        idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
      },
    });
    const authority = tls?.serverNameOverride ?? parsed.authority;
    const scheme = secure ? "https" : "http";
    // gRFC A17: the option, else the default service config's healthCheckConfig.
    const healthCheck =
      options.healthCheckConfig ??
      (serviceConfig?.healthCheckServiceName === undefined ? undefined : { serviceName: serviceConfig.healthCheckServiceName });
    const balancer = new Balancer<Connection>(parsed, {
      connect,
      loadBalancingPolicy: options.loadBalancingPolicy,
      loadBalancingConfig: options.loadBalancingConfig,
      minResolveIntervalMs: options.minResolveIntervalMs,
      dnsServiceConfig: options.dnsServiceConfig,
      healthCheck:
        healthCheck === undefined
          ? undefined
          : {
              serviceName: healthCheck.serviceName ?? "",
              watch: createHealthWatch(authority, scheme, options.userAgent),
              backoff: options.backoff,
            },
      resolver: tracer === undefined && logger === undefined ? options.resolver : tracedResolver(options.resolver, target, tracer, logger),
      resolverMayBringConfig: options.resolver !== undefined,
      backoff: options.backoff,
      keepaliveTimeMs: options.keepaliveTimeMs,
      serviceConfig,
      ignoreResolverServiceConfig: options.ignoreResolverServiceConfig,
    });
    const allowInsecureCallCredentials = options.allowInsecureCallCredentials ?? false;
    if (options.callCredentials !== undefined && !secure && !allowInsecureCallCredentials)
      throw new TypeError(
        "client: callCredentials need a TLS channel; this one is plaintext (set allowInsecureCallCredentials to send them anyway)",
      );
    this.target = target;
    this.#core = {
      balancer,
      authority,
      scheme,
      calls: new CallConfig(balancer, options.retries ?? true, bufferPool),
      tracer,
      callCredentials: options.callCredentials,
      allowInsecureCallCredentials,
    };
    this.maxReceiveMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES;
    this.maxSendMessageBytes = options.maxSendMessageBytes ?? Infinity;
    this.compressions = options.compressions ?? DEFAULT_COMPRESSIONS;
    this.compression = options.compression;
    this.interceptors = options.interceptors ?? [];
    this.userAgent = options.userAgent;
    this.acceptEncoding = acceptEncodingHeader(this.compressions);
  }

  /** The connectivity state; `tryToConnect` starts connecting when IDLE. */
  getState(tryToConnect = false): ConnectivityState {
    return this.#core.balancer.getState(tryToConnect);
  }

  /** Resolves with the new state once it differs from `current`. */
  waitForStateChange(current: ConnectivityState): Promise<ConnectivityState> {
    return this.#core.balancer.waitForStateChange(current);
  }

  /** Every state the channel goes through from now on, ending after SHUTDOWN. */
  async *watchState(): AsyncIterable<ConnectivityState> {
    let state = this.getState();
    yield state;
    while (state !== ConnectivityState.Shutdown) {
      state = await this.waitForStateChange(state);
      yield state;
    }
  }

  /**
   * Connects now; resolves when READY. With a `deadline` (epoch ms) it waits through failed
   * attempts until READY, and rejects DEADLINE_EXCEEDED (naming the last connection error) when
   * the deadline passes. Without one it rejects UNAVAILABLE with the connection error as soon as
   * the channel reaches TRANSIENT_FAILURE (the channel keeps reconnecting in the background).
   */
  async connect(deadline?: number): Promise<void> {
    const connection = this.#core.balancer.pick(deadline !== undefined, deadline);
    if (connection instanceof Promise) await connection;
  }

  /** Closes the channel: new calls fail UNAVAILABLE, active calls finish. */
  close(): void {
    this.#core.balancer.close();
  }
}

function byteOption(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`client: ChannelOptions.${name} must be a whole number of bytes >= 0, got ${value}`);
  return value;
}

/**
 * The balancer, `:authority` and scheme of a channel, for this folder's calls (and tests): not
 * part of the public API, which is `src/index.ts`.
 */
export function channelCore(channel: Channel): ChannelCore {
  return coreOf(channel);
}

/** The channel's resolver, reporting what it resolved (or why it failed) as a connection event. */
function tracedResolver(
  resolver: ((target: Target) => Promise<readonly Address[] | ResolverResult>) | undefined,
  text: string,
  tracer: Tracer | undefined,
  logger: Logger | undefined,
): (target: Target) => Promise<readonly Address[] | ResolverResult> {
  const trace = new ConnectionTrace(tracer, logger, "client", text, undefined);
  const resolve = resolver ?? resolveTarget;
  return async (target) => {
    try {
      const answer = await resolve(target);
      trace.emit("resolve", { target: text, addresses: resolverResultOf(answer).addresses.map(formatAddress) });
      return answer;
    } catch (error) {
      trace.emit("resolve-failed", { target: text, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };
}
