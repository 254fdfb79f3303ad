/** How strongly the spec asks for what a check tests. */
export type Requirement = "MUST" | "SHOULD" | "ROBUSTNESS";

/** A check's outcome: PASS, FAIL (the peer departs from the quoted sentence) or INFO (recorded, not judged). */
export type Verdict = "PASS" | "FAIL" | "INFO";

/** Where a check's rule comes from: a document of grpc/grpc `doc/` (or an RFC) and its section. */
export interface SpecSource {
  /** The document, e.g. `PROTOCOL-HTTP2.md`. */
  readonly document: string;
  /** The section inside it, e.g. `Requests`. */
  readonly section: string;
  /** The sentence the check tests, quoted briefly. */
  readonly quote: string;
}

/** What one check is: its id (used by `--only`), a one-line title, the rule and its strength. */
export interface CheckInfo {
  /** A stable id, `area/what`, e.g. `timeout/unit-hours`. */
  readonly id: string;
  /** What the check sends and expects, in one line. */
  readonly title: string;
  /** MUST and SHOULD come from the quoted document; ROBUSTNESS is the probe's own bound. */
  readonly requirement: Requirement;
  readonly source: SpecSource;
}

/** The result of one check: the verdict and what the peer did. */
export interface CheckResult extends CheckInfo {
  readonly verdict: Verdict;
  /** What the peer did, in one line (status, headers, trailers, reset code, exit). */
  readonly observed: string;
  /** Why the verdict, when it needs more than the observation. */
  readonly note?: string;
  /** How long the check took, in milliseconds. */
  readonly durationMs: number;
}

/** A whole probe run: which side, against what, and the results in order. */
export interface ProbeReport {
  readonly side: "server" | "client";
  /** The target (server probe) or the client command (client probe). */
  readonly subject: string;
  /** When the run started, ISO 8601. */
  readonly startedAt: string;
  readonly results: readonly CheckResult[];
}

/** Counts of each verdict in a report. */
export function countVerdicts(report: ProbeReport): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { PASS: 0, FAIL: 0, INFO: 0 };
  for (const result of report.results) counts[result.verdict]++;
  return counts;
}

/**
 * Whether an id matches an `--only` pattern: `*` matches any run of characters (including `/`),
 * several patterns are separated by commas, and any match selects the check.
 */
export function matchesOnly(id: string, only: string | undefined): boolean {
  if (only === undefined || only === "") return true;
  return only.split(",").some((pattern) => {
    const source = pattern
      .trim()
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    return new RegExp(`^${source}$`).test(id);
  });
}
