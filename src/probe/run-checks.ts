import type { CheckInfo, CheckResult } from "./check.js";

/** What a check returns before the runner adds its identity and timing. */
interface Outcome {
  readonly verdict: CheckResult["verdict"];
  readonly observed: string;
  readonly note?: string;
}

/**
 * Runs checks `concurrency` at a time, each bounded by `limitMs`: a check that throws is a FAIL
 * naming the error, one that overruns is a FAIL naming the bound. Results come back in the order
 * of `checks`.
 */
export async function runChecks<C extends CheckInfo>(
  checks: readonly C[],
  run: (check: C) => Promise<Outcome>,
  options: { concurrency: number; limitMs: number; onResult?: (result: CheckResult) => void },
): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < checks.length) {
      const index = next++;
      const check = checks[index]!;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const overrun = new Promise<Outcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ verdict: "FAIL", observed: `no verdict after ${options.limitMs} ms`, note: "the check's time bound ran out" }),
          options.limitMs,
        );
      });
      let outcome: Outcome;
      try {
        outcome = await Promise.race([run(check), overrun]);
      } catch (error) {
        outcome = { verdict: "FAIL", observed: `error: ${error instanceof Error ? error.message : String(error)}` };
      } finally {
        clearTimeout(timer);
      }
      const result: CheckResult = {
        id: check.id,
        title: check.title,
        requirement: check.requirement,
        source: check.source,
        verdict: outcome.verdict,
        observed: outcome.observed,
        ...(outcome.note === undefined ? {} : { note: outcome.note }),
        durationMs: Math.round(performance.now() - started),
      };
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, checks.length)) }, worker));
  return results;
}
