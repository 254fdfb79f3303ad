import type { GrpcError } from "../status/index.js";
import type { BackoffOptions } from "./backoff.js";

/**
 * `grpc.health.v1.HealthCheckResponse.ServingStatus`, the wire numbers.
 * https://github.com/grpc/grpc/blob/master/doc/health-checking.md
 */
export enum ServingStatus {
  Unknown = 0,
  Serving = 1,
  NotServing = 2,
  ServiceUnknown = 3,
}

/** Who hears one health Watch call: every status the server sends, then the end of the call. */
export interface HealthWatchListener {
  /** A HealthCheckResponse arrived. */
  onHealthStatus(status: ServingStatus): void;
  /** The call ended (a Watch call never ends OK: any end is an error). Not called after `cancel()`. */
  onHealthEnd(error: GrpcError): void;
}

/** A running health Watch call. */
export interface HealthWatchCall {
  /** Ends the call (RST_STREAM CANCEL); its listener hears nothing more. */
  cancel(): void;
}

/**
 * Opens a `grpc.health.v1.Health/Watch` call for `serviceName` on one transport, handed to the
 * channel by the layer that knows the wire (client/), so this layer needs neither HTTP/2 nor a
 * codec.
 */
export type WatchHealth<T> = (transport: T, serviceName: string, listener: HealthWatchListener) => HealthWatchCall;

/**
 * Client-side health checking (gRFC A17): with it, each READY subchannel watches its server's
 * health and takes calls only while the server says SERVING. Policies that do not use it
 * (pick_first) ignore it.
 * https://github.com/grpc/proposal/blob/master/A17-client-side-health-checking.md
 */
export interface HealthCheckOptions<T> {
  /** The service name of the HealthCheckRequest ("" means the whole server). */
  serviceName: string;
  /** Opens the Watch call (a WatchHealth; a method, so options for a transport subtype still fit). */
  watch(transport: T, serviceName: string, listener: HealthWatchListener): HealthWatchCall;
  /** Backoff between failed Watch calls; defaults are the connection backoff's. */
  backoff?: BackoffOptions | undefined;
  /** Where the "health checking disabled" event of a server without the Health service goes. Default `process.emitWarning`. */
  log?: ((message: string) => void) | undefined;
}
