// Turns the medians into the printed table, RESULTS.md and the rows of the ratio chart.
import type { ChartRow } from "./chart.js";

export type ImplementationName = "floor-min" | "floor" | "grpc-js" | "tsgrpc" | "baseline" | "grpc-go";
const COLUMNS: readonly ImplementationName[] = ["floor", "grpc-js", "tsgrpc", "grpc-go"];
const WITH_BASELINE: readonly ImplementationName[] = ["floor", "grpc-js", "tsgrpc", "baseline", "grpc-go"];

/** One figure: the median of each implementation's rounds. */
export interface ResultRow {
  caseId: string;
  label: string;
  unit: string;
  lowerIsBetter: boolean;
  targetVsFloor?: number;
  targetVsGrpcJs?: number;
  /** Issue 10's target against floor-min (the tightest node:http2 responder). */
  targetVsFloorMin?: number;
  medians: Partial<Record<ImplementationName, number>>;
  rounds: Partial<Record<ImplementationName, number[]>>;
  /** Why a value is missing, e.g. a failed run. */
  errors: Partial<Record<ImplementationName, string>>;
}

/** tsgrpc's advantage over `other` (>1 is better for tsgrpc): tsgrpc/other, or other/tsgrpc when lower is better. */
export function advantage(row: ResultRow, other: ImplementationName): number | undefined {
  const ours = row.medians.tsgrpc;
  const theirs = row.medians[other];
  if (ours === undefined || theirs === undefined || !(ours > 0) || !(theirs > 0)) return undefined;
  return row.lowerIsBetter ? theirs / ours : ours / theirs;
}

/**
 * tsgrpc's advantage over `other` round by round (the rounds alternate, so round i of each ran
 * side by side): the lowest and highest, the spread behind the median ratio of an A/B.
 */
export function advantageRange(row: ResultRow, other: ImplementationName): [number, number] | undefined {
  const ours = row.rounds.tsgrpc;
  const theirs = row.rounds[other];
  if (ours === undefined || theirs === undefined || ours.length === 0 || ours.length !== theirs.length) return undefined;
  const ratios = ours.map((value, i) => (row.lowerIsBetter ? theirs[i]! / value : value / theirs[i]!));
  return [Math.min(...ratios), Math.max(...ratios)];
}

/** Whether every target of the row is met; undefined when it has no target or a value is missing. */
export function targetMet(row: ResultRow): boolean | undefined {
  const checks: boolean[] = [];
  for (const [target, other] of [
    [row.targetVsFloor, "floor"],
    [row.targetVsGrpcJs, "grpc-js"],
    [row.targetVsFloorMin, "floor-min"],
  ] as const) {
    if (target === undefined) continue;
    const ratio = advantage(row, other);
    if (ratio === undefined) return undefined;
    checks.push(ratio >= target);
  }
  return checks.length === 0 ? undefined : checks.every(Boolean);
}

function formatValue(value: number | undefined): string {
  if (value === undefined) return "-";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toPrecision(3);
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? "-" : value.toFixed(2);
}

function targetText(row: ResultRow): string {
  const parts: string[] = [];
  if (row.targetVsFloor !== undefined) parts.push(`>=${row.targetVsFloor.toFixed(2)} floor`);
  if (row.targetVsGrpcJs !== undefined) parts.push(`>=${row.targetVsGrpcJs.toFixed(1)} grpc-js`);
  if (row.targetVsFloorMin !== undefined) parts.push(`>=${row.targetVsFloorMin.toFixed(2)} floor-min`);
  return parts.join(", ") || "-";
}

function metText(row: ResultRow): string {
  const met = targetMet(row);
  return met === undefined ? (targetText(row) === "-" ? "" : "?") : met ? "yes" : "NO";
}

/** Whether any row measured floor-min: only then do the tables show its column and ratio. */
function withFloorMin(rows: readonly ResultRow[]): boolean {
  return rows.some((row) => row.medians["floor-min"] !== undefined || row.errors["floor-min"] !== undefined);
}

/** Whether any row measured the BENCH_BASELINE build: only then do the tables show it and the A/B ratio. */
function withBaseline(rows: readonly ResultRow[]): boolean {
  return rows.some((row) => row.medians.baseline !== undefined || row.errors.baseline !== undefined);
}

function baselineCells(row: ResultRow): string[] {
  const range = advantageRange(row, "baseline");
  return [formatRatio(advantage(row, "baseline")), range === undefined ? "-" : `${formatRatio(range[0])}-${formatRatio(range[1])}`];
}

function cells(row: ResultRow, floorMin: boolean, baseline: boolean): string[] {
  const value = (name: ImplementationName) => (row.errors[name] !== undefined ? "error" : formatValue(row.medians[name]));
  return [
    `${row.label}${row.lowerIsBetter ? " (lower is better)" : ""}`,
    row.unit,
    ...(floorMin ? [value("floor-min")] : []),
    ...(baseline ? WITH_BASELINE : COLUMNS).map(value),
    ...(baseline ? baselineCells(row) : []),
    ...(floorMin ? [formatRatio(advantage(row, "floor-min"))] : []),
    formatRatio(advantage(row, "floor")),
    formatRatio(advantage(row, "grpc-js")),
    targetText(row),
    metText(row),
  ];
}

function headers(floorMin: boolean, baseline: boolean): string[] {
  return [
    "figure",
    "unit",
    ...(floorMin ? ["floor-min"] : []),
    ...(baseline ? WITH_BASELINE : COLUMNS),
    ...(baseline ? ["tsgrpc vs baseline", "per round"] : []),
    ...(floorMin ? ["tsgrpc vs floor-min"] : []),
    "tsgrpc vs floor",
    "tsgrpc vs grpc-js",
    "target",
    "met",
  ];
}

/** A fixed-width table for the terminal. */
export function formatTable(rows: readonly ResultRow[]): string {
  const floorMin = withFloorMin(rows);
  const baseline = withBaseline(rows);
  const titles = headers(floorMin, baseline);
  const table = [titles, ...rows.map((row) => cells(row, floorMin, baseline))];
  const widths = titles.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  return table
    .map((line) => line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  "))
    .join("\n");
}

/** The same table in Markdown. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const floorMin = withFloorMin(rows);
  const baseline = withBaseline(rows);
  const titles = headers(floorMin, baseline);
  const lines = [`| ${titles.join(" | ")} |`, `|${titles.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`];
  for (const row of rows) lines.push(`| ${cells(row, floorMin, baseline).join(" | ")} |`);
  return lines.join("\n");
}

/** Every round of every figure, for anyone who wants to see the spread behind a median. */
export function markdownRounds(rows: readonly ResultRow[]): string {
  const lines = ["| figure | implementation | rounds |", "|---|---|---|"];
  for (const row of rows)
    for (const name of ["floor-min", ...WITH_BASELINE] as const) {
      const rounds = row.rounds[name];
      const error = row.errors[name];
      if (rounds !== undefined && rounds.length > 0) lines.push(`| ${row.label} | ${name} | ${rounds.map(formatValue).join(", ")} |`);
      else if (error !== undefined) lines.push(`| ${row.label} | ${name} | error: ${error.replaceAll("|", "/").slice(0, 200)} |`);
    }
  return lines.join("\n");
}

/** Chart rows: the advantage ratios and targets of every figure that has any. */
export function chartRows(rows: readonly ResultRow[]): ChartRow[] {
  return rows
    .filter((row) => advantage(row, "floor") !== undefined || advantage(row, "grpc-js") !== undefined)
    .map((row) => ({
      label: `${row.label}${row.lowerIsBetter ? " *" : ""}`,
      vsFloor: advantage(row, "floor"),
      vsGrpcJs: advantage(row, "grpc-js"),
      targetVsFloor: row.targetVsFloor,
      targetVsGrpcJs: row.targetVsGrpcJs,
    }));
}
