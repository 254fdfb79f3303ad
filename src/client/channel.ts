import {
  Balancer,
  ConnectivityState,
  parseTarget,
  type Address,
  type BackoffOptions,
  type LoadBalancingPolicy,
  type ResolverResult,
  type Target,
} from "../channel/index.js";
import { DEFAULT_COMPRESSIONS, acceptEncodingHeader, type Compression } from "../compression/index.js";
import { DEFAULT_MAX_RECEIVE_BYTES } from "../framing/index.js";
import { createHttp2Connect, type Connection, type TlsOptions } from "../http2/client/index.js";
import { parseServiceConfig, type ServiceConfigJson } from "../service-config/index.js";
import { CallConfig } from "./call-config.js";
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
}

let coreOf: (channel: Channel) => ChannelCore;

/**
 * A virtual connection to a target ("host:port", "dns:host:port", "ipv4:a:p,b:p",
 * "ipv6:[::1]:p", "unix:path", "http(s)://host:port"): connects lazily, multiplexes calls over
 * HTTP/2 and reconnects with backoff. Closing it lets active calls finish.
 * https://github.com/grpc/grpc/blob/master/doc/naming.md
 */
export class Channel {
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
    const connect = createHttp2Connect({
      tls: secure ? (tls ?? {}) : undefined,
      serverName: parsed.host,
      timers: {
        keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 20_000,
        keepalivePermitWithoutCalls: options.keepalivePermitWithoutCalls ?? false,
        idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
      },
    });
    const balancer = new Balancer<Connection>(parsed, {
      connect,
      loadBalancingPolicy: options.loadBalancingPolicy,
      resolver: options.resolver,
      backoff: options.backoff,
      keepaliveTimeMs: options.keepaliveTimeMs,
      serviceConfig,
      ignoreResolverServiceConfig: options.ignoreResolverServiceConfig,
    });
    this.#core = {
      balancer,
      authority: tls?.serverNameOverride ?? parsed.authority,
      scheme: secure ? "https" : "http",
      calls: new CallConfig(balancer, options.retries ?? true, bufferPool),
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
