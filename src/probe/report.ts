import { countVerdicts, type CheckResult, type ProbeReport } from "./check.js";

/** The report formats of `tsgrpc probe`. */
export type ReportFormat = "text" | "json" | "markdown";

/** The spec links of the documents the checks cite. */
const DOCUMENT_URLS: Readonly<Record<string, string>> = {
  "PROTOCOL-HTTP2.md": "https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md",
  "statuscodes.md": "https://github.com/grpc/grpc/blob/master/doc/statuscodes.md",
  "compression.md": "https://github.com/grpc/grpc/blob/master/doc/compression.md",
  "http-grpc-status-mapping.md": "https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md",
  "RFC 9113": "https://www.rfc-editor.org/rfc/rfc9113",
};

function summary(report: ProbeReport): string {
  const counts = countVerdicts(report);
  return `${counts.PASS} passed, ${counts.FAIL} failed, ${counts.INFO} info (${report.results.length} checks)`;
}

/** One result as the lines of the text report: verdict, id, title, then what was seen, why, and the rule. */
export function formatResultText(result: CheckResult): string {
  const lines = [`${result.verdict.padEnd(4)} ${result.id} [${result.requirement}] ${result.title}`, `     observed: ${result.observed}`];
  if (result.note !== undefined) lines.push(`     note: ${result.note}`);
  if (result.verdict !== "PASS") lines.push(`     spec: ${result.source.document} § ${result.source.section}: "${result.source.quote}"`);
  return `${lines.join("\n")}\n`;
}

/** The terminal report: one block per check (spec quoted for non-PASS), then the counts. */
export function formatText(report: ProbeReport): string {
  const head = `tsgrpc probe ${report.side} ${report.subject}\n`;
  return `${head}${report.results.map(formatResultText).join("")}${summary(report)}\n`;
}

/** The JSON report: the whole ProbeReport plus the counts, one object. */
export function formatJson(report: ProbeReport): string {
  return `${JSON.stringify({ ...report, counts: countVerdicts(report) }, null, 2)}\n`;
}

function cell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("\n", " ").replaceAll("\r", " ");
}

/** The Markdown report: a summary line and a table of every check with its rule, source and what the peer did. */
export function formatMarkdown(report: ProbeReport, title = `tsgrpc probe ${report.side}`): string {
  const lines = [
    `# ${title}`,
    "",
    `Subject: \`${report.subject.replaceAll("`", "'")}\`, run ${report.startedAt}.`,
    "",
    `**${summary(report)}.**`,
    "",
    "| Verdict | Check | Level | Rule (source) | Observed |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const result of report.results) {
    const url = DOCUMENT_URLS[result.source.document];
    const document = url === undefined ? result.source.document : `[${result.source.document}](${url})`;
    const observed = result.note === undefined ? result.observed : `${result.observed}. *${result.note}*`;
    lines.push(
      `| ${result.verdict} | \`${result.id}\`: ${cell(result.title)} | ${result.requirement} | "${cell(result.source.quote)}" (${document} § ${cell(result.source.section)}) | ${cell(observed)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The report in the given format. */
export function formatReport(report: ProbeReport, format: ReportFormat, title?: string): string {
  if (format === "json") return formatJson(report);
  if (format === "markdown") return formatMarkdown(report, title);
  return formatText(report);
}
