// Fake transports for the channel layer's tests: every connection attempt waits until the test
// says how it ends, so each state change happens exactly when a test wants it.
import type { Address, Connect, Target, Transport, TransportOwner } from "../../src/channel/index.js";
import { formatAddress } from "../../src/channel/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

/** One open fake connection; `capacity` is how many more calls it takes. */
export class FakeTransport implements Transport {
  closed = false;
  constructor(
    readonly address: string,
    private readonly owner: TransportOwner<FakeTransport>,
    public capacity = Infinity,
  ) {}

  hasCapacity(): boolean {
    return !this.closed && this.capacity > 0;
  }

  close(): void {
    this.closed = true;
  }

  /** The peer went away (GOAWAY, close, idle timeout). */
  goAway(): void {
    this.closed = true;
    this.owner.connectionGone(this);
  }

  /** The peer sent GOAWAY too_many_pings. */
  tooManyPings(): void {
    this.owner.tooManyPings();
  }
}

/** A connection attempt under the test's control. */
export class FakeAttempt {
  cancelled = false;
  settled = false;
  constructor(
    readonly address: string,
    readonly owner: TransportOwner<FakeTransport>,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }

  succeed(capacity = Infinity): FakeTransport {
    if (this.settled || this.cancelled) throw new Error(`attempt to ${this.address} already over`);
    this.settled = true;
    const transport = new FakeTransport(this.address, this.owner, capacity);
    this.owner.connected(transport);
    return transport;
  }

  fail(message = `connect: ECONNREFUSED ${this.address}`): void {
    if (this.settled || this.cancelled) throw new Error(`attempt to ${this.address} already over`);
    this.settled = true;
    this.owner.connectFailed(new GrpcError(Code.Unavailable, message));
  }
}

/** Records every attempt the channel layer starts; `connect` is the function handed to it. */
export class FakeNetwork {
  readonly attempts: FakeAttempt[] = [];

  readonly connect: Connect<FakeTransport> = (address, owner) => {
    const attempt = new FakeAttempt(formatAddress(address), owner);
    this.attempts.push(attempt);
    return attempt;
  };

  /** The attempts still running, by address. */
  running(): string[] {
    return this.attempts.filter((attempt) => !attempt.settled && !attempt.cancelled).map((attempt) => attempt.address);
  }

  /** The one running attempt to `address`. */
  attempt(address: string): FakeAttempt {
    const found = this.attempts.filter((attempt) => attempt.address === address && !attempt.settled && !attempt.cancelled);
    if (found.length !== 1) throw new Error(`${found.length} running attempts to ${address}`);
    return found[0]!;
  }
}

/** An ipv4 target of the given ports on 127.0.0.1. */
export function ipv4Target(...ports: number[]): Target {
  const addresses: Address[] = ports.map((port) => ({ host: "127.0.0.1", port }));
  return { scheme: "ipv4", host: "127.0.0.1", port: ports[0]!, addresses, authority: `127.0.0.1:${ports[0]}`, secure: false };
}

/** Lets promise callbacks and immediates run (resolution is asynchronous). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
