import { DEFAULT_COMPRESSIONS, acceptEncodingHeader, type Compression } from "../compression/index.js";
import { DEFAULT_MAX_RECEIVE_BYTES } from "../framing/index.js";
import { ConnectivityState } from "../channel/index.js";
import { ClientSession, type ClientSessionOptions } from "../http2/client/index.js";
import type { Interceptor } from "./interceptor.js";

/** Options of a Channel: connection settings plus call defaults. Every field is optional. */
export interface ChannelOptions extends ClientSessionOptions {
  /** Receive limit per message. Default 4 MiB. */
  maxReceiveMessageBytes?: number;
  /** Send limit per message. Default unlimited. */
  maxSendMessageBytes?: number;
  /** Compressions the channel can use and decode. Default gzip and deflate. */
  compressions?: readonly Compression[];
  /** Request compression of every call unless a call says otherwise. Default none. */
  compression?: Compression | string;
  /** Interceptors of every call made on this channel, outermost first. */
  interceptors?: readonly Interceptor[];
  /** Prepended to `user-agent` ("myapp/1.2 grpc-node-tsgrpc/0.1.0"). */
  userAgent?: string;
}

/**
 * A virtual connection to a target ("host:port", "dns:host:port", "ipv4:a:p,b:p",
 * "ipv6:[::1]:p", "unix:path", "http(s)://host:port"): connects lazily, multiplexes calls over
 * HTTP/2 and reconnects with backoff. Closing it lets active calls finish.
 * https://github.com/grpc/grpc/blob/master/doc/naming.md
 */
export class Channel {
  /** Connection management (internal to tsgrpc's client). */
  readonly session: ClientSession;
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  readonly compressions: readonly Compression[];
  readonly compression: Compression | string | undefined;
  readonly interceptors: readonly Interceptor[];
  readonly userAgent: string | undefined;
  /** The `grpc-accept-encoding` sent with every call. */
  readonly acceptEncoding: string;

  constructor(target: string, options: ChannelOptions = {}) {
    this.session = new ClientSession(target, options);
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
    return this.session.getState(tryToConnect);
  }

  /** Resolves with the new state once it differs from `current`. */
  waitForStateChange(current: ConnectivityState): Promise<ConnectivityState> {
    return this.session.waitForStateChange(current);
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

  /** Connects now; resolves when READY, rejects (UNAVAILABLE or DEADLINE_EXCEEDED) otherwise. */
  async connect(deadline?: number): Promise<void> {
    const connection = this.session.connection(true, deadline);
    if (connection instanceof Promise) await connection;
  }

  /** Closes the channel: new calls fail UNAVAILABLE, active calls finish. */
  close(): void {
    this.session.close();
  }
}
