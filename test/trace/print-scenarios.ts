// Prints the masked trace of every scenario (text, and JSON with --json): what the pinned files
// under test/trace/pinned/ and the blocks of docs/LAYERS.md hold. Run:
//   node dist/test/trace/print-scenarios.js [name] [--json] [--write] [--raw (times, port, version unmasked)]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatTraceText } from "../../src/trace/index.js";
import { projectRoot } from "../project-root.js";
import { CLIENT_ONLY_SCENARIOS, SCENARIOS, maskedJson, maskedText, runScenario } from "./scenarios.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const write = args.includes("--write");
const raw = args.includes("--raw");
const only = args.find((arg) => !arg.startsWith("--"));
const all = { ...SCENARIOS, ...CLIENT_ONLY_SCENARIOS };
for (const [name, run] of Object.entries(all)) {
  if (only !== undefined && name !== only) continue;
  const { events, port } = await runScenario(run);
  const shown = name in CLIENT_ONLY_SCENARIOS ? events.filter((event) => event.side === "client") : events;
  const text = raw ? `${shown.map((event) => formatTraceText(event)).join("\n")}\n` : `${maskedText(shown, port)}\n`;
  if (write) {
    writeFileSync(join(projectRoot(), "test", "trace", "pinned", `${name}.txt`), text);
    if (name === "unary-ok" || name === "unary-status-details")
      writeFileSync(join(projectRoot(), "test", "trace", "pinned", `${name}.jsonl`), `${maskedJson(shown, port)}\n`);
  } else process.stdout.write(`=== ${name}\n${json ? `${maskedJson(shown, port)}\n` : text}`);
}
