import type { GrpcError } from "../status/index.js";
import type { Address } from "./target.js";

/**
 * What the channel layer needs of one open connection. The HTTP/2 connection of
 * `http2/client` is one; the unit tests use fakes.
 */
export interface Transport {
  /** Tells whether a new call may start on this transport now (not draining, below the peer's stream limit). */
  hasCapacity(): boolean;
  /** Takes no new calls and closes once the active ones finish. */
  close(): void;
}

/**
 * What a connection attempt and the transport it opens report to the subchannel that started
 * them (the subchannel implements it).
 */
export interface TransportOwner<T extends Transport> {
  /** The attempt succeeded: `transport` can take calls. Reported at most once per attempt. */
  connected(transport: T): void;
  /** The attempt failed before it was connected. Reported at most once per attempt. */
  connectFailed(error: GrpcError): void;
  /** The transport takes no more calls (GOAWAY, closed, idle timeout); may be reported more than once. */
  connectionGone(transport: T): void;
  /** The peer sent GOAWAY "too_many_pings": the keepalive period doubles (gRFC A8). */
  tooManyPings(): void;
  /** The keepalive ping period in force for this address, in ms; undefined means off. */
  readonly keepaliveTimeMs: number | undefined;
}

/** A running connection attempt. */
export interface ConnectAttempt {
  /** Abandons the attempt: it reports nothing afterwards. */
  cancel(): void;
}

/**
 * Opens a transport to one address, handed to the channel by the layer that knows the wire
 * (`http2/client`), so this layer never touches node:http2.
 *
 * The attempt reports `connected` or `connectFailed` to `owner` later, never from inside this
 * call; a connected transport reports `connectionGone` and `tooManyPings` to the same owner.
 */
export type Connect<T extends Transport> = (address: Address, owner: TransportOwner<T>) => ConnectAttempt;
