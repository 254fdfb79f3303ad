import { Code, GrpcError, type Server, type ServiceImplementation } from "../index.js";
import { healthV1 } from "../grpc/index.js";

/** A status a service can be set to (SERVICE_UNKNOWN is only what Watch reports for a service with none). */
export type HealthStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN";

/** Options of HealthService. */
export interface HealthServiceOptions {
  /** The statuses to start with, by service name; "" is the server as a whole. Default `{ "": "SERVING" }`. */
  statuses?: Readonly<Record<string, HealthStatus>> | undefined;
  /** List answers RESOURCE_EXHAUSTED when more services than this have a status. Default 100. */
  maxListServices?: number | undefined;
}

const WIRE: Record<HealthStatus, healthV1.HealthCheckResponse_ServingStatus> = {
  UNKNOWN: healthV1.HealthCheckResponse_ServingStatus.UNKNOWN,
  SERVING: healthV1.HealthCheckResponse_ServingStatus.SERVING,
  NOT_SERVING: healthV1.HealthCheckResponse_ServingStatus.NOT_SERVING,
};

/** How long shutdown() waits for the Watch calls to take their last NOT_SERVING before it resolves anyway. */
const SHUTDOWN_FLUSH_MS = 1000;

/** One Watch call: woken on every change of its service's status and at shutdown. */
interface Watcher {
  wake(): void;
}

/**
 * The `grpc.health.v1.Health` service: a status per service name ("" for the server as a whole),
 * set by the application, served by Check, Watch and List.
 * https://github.com/grpc/grpc/blob/master/doc/health-checking.md
 *
 * After shutdown() every status is NOT_SERVING and set() changes nothing until resume().
 */
export class HealthService {
  /** The handlers to register: `server.add(Health, health.implementation)` (addHealth does it). */
  readonly implementation: ServiceImplementation<typeof healthV1.Health>;
  readonly #statuses = new Map<string, HealthStatus>();
  readonly #watchers = new Map<string, Set<Watcher>>();
  readonly #maxListServices: number;
  #shutDown = false;
  #flushed: (() => void) | undefined;

  constructor(options: HealthServiceOptions = {}) {
    const maxListServices = options.maxListServices ?? 100;
    if (!(Number.isInteger(maxListServices) && maxListServices >= 0))
      throw new RangeError(`health: maxListServices must be a non-negative integer, got ${maxListServices}`);
    this.#maxListServices = maxListServices;
    for (const [service, status] of Object.entries<HealthStatus>(options.statuses ?? { "": "SERVING" })) this.set(service, status);
    this.implementation = {
      check: (request) => this.#check(request.service),
      list: () => this.#list(),
      watch: (request, ctx) => this.#watch(request.service, ctx.signal),
    };
  }

  /** Sets the status of `service` ("" for the whole server); Watch calls on it hear the change. Ignored after shutdown(). */
  set(service: string, status: HealthStatus): void {
    if (!Object.hasOwn(WIRE, status)) throw new TypeError(`health: ${JSON.stringify(status)} is not SERVING, NOT_SERVING or UNKNOWN`);
    if (this.#shutDown) return;
    this.#statuses.set(service, status);
    this.#notify(service);
  }

  /** Forgets `service`: Check answers NOT_FOUND and Watch calls on it hear SERVICE_UNKNOWN. Ignored after shutdown(). */
  clear(service: string): void {
    if (this.#shutDown || !this.#statuses.delete(service)) return;
    this.#notify(service);
  }

  /** The status of `service`, or undefined when it has none. */
  get(service: string): HealthStatus | undefined {
    return this.#statuses.get(service);
  }

  /**
   * Sets every status to NOT_SERVING, lets each Watch call send it, then ends those calls (status
   * OK), so that load balancers stop sending work before the server's GOAWAY. Resolves once every
   * Watch call took its last status, or after 1 s. addHealth calls it when the server shuts down.
   */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    for (const service of this.#statuses.keys()) this.#statuses.set(service, "NOT_SERVING");
    const done = new Promise<void>((resolve) => {
      this.#flushed = resolve;
    });
    for (const watchers of this.#watchers.values()) for (const watcher of watchers) watcher.wake();
    this.#checkFlushed();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS)))]);
    clearTimeout(timer);
    this.#flushed = undefined;
  }

  /** Undoes shutdown(): set() works again; the statuses stay NOT_SERVING until set. */
  resume(): void {
    this.#shutDown = false;
  }

  #notify(service: string): void {
    for (const watcher of this.#watchers.get(service) ?? []) watcher.wake();
  }

  #checkFlushed(): void {
    if (this.#flushed !== undefined && this.#watchers.size === 0) this.#flushed();
  }

  #check(service: string): healthV1.HealthCheckResponseInput {
    const status = this.#statuses.get(service);
    if (status === undefined) throw new GrpcError(Code.NotFound, `health: unknown service ${JSON.stringify(service)}`);
    return { status: WIRE[status] };
  }

  #list(): healthV1.HealthListResponseInput {
    if (this.#statuses.size > this.#maxListServices)
      throw new GrpcError(
        Code.ResourceExhausted,
        `health: ${this.#statuses.size} services have a status, more than List answers (maxListServices ${this.#maxListServices})`,
      );
    const statuses: Record<string, healthV1.HealthCheckResponseInput> = {};
    for (const [service, status] of this.#statuses) statuses[service] = { status: WIRE[status] };
    return { statuses };
  }

  #wire(service: string): healthV1.HealthCheckResponse_ServingStatus {
    const status = this.#statuses.get(service);
    return status === undefined ? healthV1.HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN : WIRE[status];
  }

  async *#watch(service: string, signal: AbortSignal): AsyncGenerator<healthV1.HealthCheckResponseInput> {
    let changed = true;
    let wake: (() => void) | undefined;
    const watcher: Watcher = {
      wake() {
        changed = true;
        wake?.();
      },
    };
    let watchers = this.#watchers.get(service);
    if (watchers === undefined) this.#watchers.set(service, (watchers = new Set()));
    watchers.add(watcher);
    const onAbort = (): void => watcher.wake();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      let last: healthV1.HealthCheckResponse_ServingStatus | undefined;
      while (!signal.aborted) {
        if (changed) {
          changed = false;
          const status = this.#wire(service);
          if (status !== last) {
            last = status;
            yield { status };
          }
          if (this.#shutDown) return;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      watchers.delete(watcher);
      if (watchers.size === 0 && this.#watchers.get(service) === watchers) this.#watchers.delete(service);
      this.#checkFlushed();
    }
  }
}

/**
 * Serves `grpc.health.v1.Health` on `server` and returns its HealthService (the server as a whole,
 * "", starts SERVING unless `options.statuses` says otherwise). When the server shuts down, every
 * status turns NOT_SERVING, and Watch calls hear it, before the server sends GOAWAY.
 */
export function addHealth(server: Server, options: HealthServiceOptions = {}): HealthService {
  const health = new HealthService(options);
  server.add(healthV1.Health, health.implementation);
  server.onShutdown(() => health.shutdown());
  return health;
}
