import type { CaseResult } from "./run-interop-cases.js";

/** One line for a case: `PASS large_unary 35 ms`, `FAIL name 12 ms: reason`, `SKIP name: reason`. */
export function formatCaseLine(result: CaseResult): string {
  const reason = result.reason === undefined ? "" : `: ${oneLine(result.reason)}`;
  return result.status === "SKIP" ? `SKIP ${result.name}${reason}` : `${result.status} ${result.name} ${result.ms} ms${reason}`;
}

/** The counts of a run: how many cases passed, failed and were skipped. */
export function countResults(results: readonly CaseResult[]): { passed: number; failed: number; skipped: number } {
  const count = (status: CaseResult["status"]): number => results.filter((result) => result.status === status).length;
  return { passed: count("PASS"), failed: count("FAIL"), skipped: count("SKIP") };
}

/** The `--format json` report: the target, every case, and the counts. */
export function formatJsonReport(target: string, results: readonly CaseResult[]): string {
  return `${JSON.stringify({ target, cases: results, ...countResults(results) }, null, 2)}\n`;
}

/**
 * The process exit code of a run: 1 when any case failed, 3 when none failed and none passed (all
 * skipped, as reference clients exit for a case they cannot run), else 0.
 */
export function exitCodeOf(results: readonly CaseResult[]): number {
  const { passed, failed } = countResults(results);
  if (failed > 0) return 1;
  return passed === 0 ? 3 : 0;
}

function oneLine(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
