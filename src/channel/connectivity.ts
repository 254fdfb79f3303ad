/**
 * The connectivity states of a channel and of each of its subchannels.
 * https://github.com/grpc/grpc/blob/master/doc/connectivity-semantics-and-api.md
 */
export enum ConnectivityState {
  /**
   * No connection and no attempt: a new channel, a channel whose connections went away (idle
   * timeout, GOAWAY, peer closed), or one whose backoff after a failure has ended. A call, or
   * `getState(true)`, starts resolving/connecting and waits for the outcome.
   */
  Idle = "IDLE",
  /**
   * Resolving the target or connecting to an address. A call waits in the pick queue (until
   * its deadline or its AbortSignal) for READY, or fails fast if the channel reaches
   * TRANSIENT_FAILURE.
   */
  Connecting = "CONNECTING",
  /** At least one connection is up (the server's SETTINGS arrived). A call is picked a connection at once. */
  Ready = "READY",
  /**
   * Every address failed (or resolution did); the subchannels wait out their backoff, then go
   * IDLE and the channel resolves again. A fail-fast call fails UNAVAILABLE with the last
   * error; a wait-for-ready call keeps waiting for READY until its deadline.
   */
  TransientFailure = "TRANSIENT_FAILURE",
  /** The channel was closed: it never leaves this state, and a new call fails UNAVAILABLE ("channel: closed"). */
  Shutdown = "SHUTDOWN",
}

/**
 * A value that announces its changes through a promise, so that observers above this layer
 * pull (`await changed()`) instead of registering callbacks.
 */
export class StateCell {
  private value = ConnectivityState.Idle;
  private waiters: (() => void)[] = [];

  get(): ConnectivityState {
    return this.value;
  }

  /** Sets the state; waiters wake only when it actually changes. */
  set(state: ConnectivityState): void {
    if (state === this.value || this.value === ConnectivityState.Shutdown) return;
    this.value = state;
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at the next change of state. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
