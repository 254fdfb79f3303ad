// A handler's pause for the tests' servers: it ends early, with the call's reason, when the call does.

/** Waits `ms`, or rejects with the signal's reason when it aborts first (an abort before the call is not seen). */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
