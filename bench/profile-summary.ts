// Summarises a `node --cpu-prof` profile: the functions with the most self time, and the share of
// time spent under each source file (inclusive), so a profile can be read in a terminal.
//   node dist/bench/profile-summary.js FILE.cpuprofile [TOP]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const marker = ["/node_modules/", "/src/", "/bench/", "/interop/"].find((part) => url.includes(part));
  if (marker !== undefined) return url.slice(url.lastIndexOf(marker) + 1);
  return url.replace(/^file:\/\//, "") || "(native)";
}

/** Self and inclusive time per function, and inclusive time per file, in percent of all samples. */
export function summariseProfile(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...selfTime.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...selfTime]
    .filter(([id]) => ["(idle)", "(program)"].includes(byId.get(id)!.callFrame.functionName))
    .reduce((s, [, v]) => s + v, 0);
  const busy = total - idle;
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclusiveByFile = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || "(anonymous)"}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + time);
    const file = frame.url === "" ? `(${frame.functionName})` : shortUrl(frame.url);
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + time);
    const files = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (url !== "") files.add(shortUrl(url));
    }
    for (const file of files) inclusiveByFile.set(file, (inclusiveByFile.get(file) ?? 0) + time);
  }
  const percent = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)}%`;
  const lines = [`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled; shares are of busy time`, "", "self time:"];
  for (const [key, time] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    if (!key.startsWith("(idle)") && !key.startsWith("(program)")) lines.push(`  ${percent(time)}  ${key}`);
  lines.push("", "self time by file:");
  for (const [file, time] of [...selfByFile].sort((a, b) => b[1] - a[1]).slice(0, top))
    if (file !== "((idle))" && file !== "((program))") lines.push(`  ${percent(time)}  ${file}`);
  lines.push("", "inclusive time by file:");
  for (const [file, time] of [...inclusiveByFile].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${percent(time)}  ${file}`);
  return lines.join("\n");
}

if (process.argv[2] !== undefined && process.argv[1]?.endsWith("profile-summary.js")) {
  const profile = JSON.parse(readFileSync(process.argv[2], "utf8")) as Profile;
  console.log(summariseProfile(profile, Number(process.argv[3] ?? 25)));
}
