/**
 * The connectivity states of a channel and of each of its subchannels.
 * https://github.com/grpc/grpc/blob/master/doc/connectivity-semantics-and-api.md
 */
export enum ConnectivityState {
  Idle = "IDLE",
  Connecting = "CONNECTING",
  Ready = "READY",
  TransientFailure = "TRANSIENT_FAILURE",
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
