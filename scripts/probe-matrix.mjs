// The four-way run of the spec probe; started by scripts/probe-matrix.sh (npm run probe:matrix),
// which sets up the references first. See that script's header and docs/CONFORMANCE.md.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");
const { probeServer, probeClient, formatReport, countVerdicts, SERVER_CHECKS, CLIENT_CHECKS } = await import(
  join(dist, "src/probe/index.js")
);
const OFFICIAL_PROTOS = "/usr/share/grpc-proto";
const build = join(root, "interop/.build");

const IMPLS = [
  {
    name: "tsgrpc",
    server: ["node", join(dist, "src/cli/main.js"), "interop", "server"],
    client: ["node", join(dist, "test/probe/adapters/tsgrpc-client.js"), "{target}"],
    version: () => JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version,
  },
  {
    name: "grpc-js",
    server: [join(root, "interop/grpc-js/run-server"), `--proto_root=${OFFICIAL_PROTOS}`],
    client: ["node", join(dist, "test/probe/adapters/grpc-js-client.js"), "{target}"],
    version: () => JSON.parse(readFileSync(join(root, "node_modules/@grpc/grpc-js/package.json"), "utf8")).version,
  },
  {
    name: "c-core",
    server: ["/usr/bin/python3", join(root, "interop/python/server.py")],
    client: ["/usr/bin/python3", join(root, "test/probe/adapters/python-client.py"), "{target}"],
    version: () =>
      `grpcio ${execFileSync("/usr/bin/python3", ["-c", "import grpc; print(grpc.__version__)"], { encoding: "utf8" }).trim()}`,
  },
  {
    name: "grpc-go",
    server: [join(build, "bin/go-server")],
    client: [join(build, "bin/go-probe-client"), "{target}"],
    version: () => execFileSync("dpkg-query", ["-W", `-f=${"$"}{Version}`, "golang-google-grpc-dev"], { encoding: "utf8" }).trim(),
  },
];

const selected = (process.env.PROBE_IMPLS ?? "").split(/\s+/).filter(Boolean);
const impls = selected.length === 0 ? IMPLS : IMPLS.filter((impl) => selected.includes(impl.name));
const full = impls.length === IMPLS.length;
const out = full ? join(root, "docs/conformance") : join(build, "probe");
mkdirSync(out, { recursive: true });
mkdirSync(join(build, "probe/logs"), { recursive: true });

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitPort(port, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) return false;
    const open = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

const children = [];
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

const reports = {};
for (const impl of impls) {
  const port = await freePort();
  const log = join(build, `probe/logs/server-${impl.name}.log`);
  const child = spawn(impl.server[0], [...impl.server.slice(1), `--port=${port}`, "--use_tls=false"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_V8_COVERAGE: undefined },
  });
  children.push(child);
  let logText = "";
  child.stdout.on("data", (chunk) => (logText += chunk));
  child.stderr.on("data", (chunk) => (logText += chunk));
  if (!(await waitPort(port, child))) {
    writeFileSync(log, logText);
    throw new Error(`probe-matrix: the ${impl.name} server did not start (log: ${log})`);
  }
  const version = impl.version();
  console.error(`probe-matrix: probing the ${impl.name} server (${version}) on port ${port}`);
  const server = await probeServer({ url: `http://127.0.0.1:${port}` }, { waitMs: 5000 });
  child.kill("SIGTERM");
  writeFileSync(log, logText);
  console.error(`probe-matrix: probing the ${impl.name} client`);
  const client = await probeClient(impl.client, { limitMs: 20_000, env: { NODE_V8_COVERAGE: undefined } });
  reports[impl.name] = { server, client, version };
  for (const [side, report] of [
    ["server", server],
    ["client", client],
  ]) {
    const subject = side === "server" ? `the ${impl.name} interop server` : `the ${impl.name} UnaryCall adapter`;
    const anonymous = {
      ...report,
      subject: side === "server" ? `${impl.name} interop server (${version})` : `${impl.name} client adapter (${version})`,
    };
    writeFileSync(
      join(out, `${side}-${impl.name}.md`),
      formatReport(anonymous, "markdown", `tsgrpc probe ${side}: ${subject} (${version})`),
    );
    const counts = countVerdicts(report);
    console.log(`${side.padEnd(6)} ${impl.name.padEnd(8)} ${counts.PASS} passed, ${counts.FAIL} failed, ${counts.INFO} info`);
  }
}

/** The comparison table: one row per check, one column per implementation. */
function table(side) {
  const names = impls.map((impl) => impl.name);
  const first = reports[names[0]][side];
  const lines = [`| Check | Level | ${names.join(" | ")} |`, `| --- | --- | ${names.map(() => "---").join(" | ")} |`];
  for (const [index, result] of first.results.entries()) {
    const cells = names.map((name) => {
      const verdict = reports[name][side].results[index]?.verdict ?? "-";
      return verdict === "FAIL" ? "**FAIL**" : verdict;
    });
    lines.push(`| \`${result.id}\` | ${result.requirement} | ${cells.join(" | ")} |`);
  }
  const totals = names.map((name) => {
    const counts = countVerdicts(reports[name][side]);
    return `${counts.PASS} / ${counts.FAIL} / ${counts.INFO}`;
  });
  lines.push(`| **PASS / FAIL / INFO** | | ${totals.join(" | ")} |`);
  return lines.join("\n");
}

const versions = impls.map((impl) => `${impl.name} ${reports[impl.name].version}`).join(", ");
const section = [
  `Run ${new Date().toISOString().slice(0, 10)} by \`npm run probe:matrix\` (${versions}); full reports in [docs/conformance/](conformance/).`,
  "",
  "### Server probe",
  "",
  table("server"),
  "",
  "### Client probe",
  "",
  table("client"),
].join("\n");
writeFileSync(join(out, "COMPARISON.md"), `# Spec probe: four-way comparison\n\n${section}\n`);
/** The catalogue of checks: id, level, what it sends and expects, and the sentence it tests. */
function catalogue(checks) {
  const cell = (text) => text.replaceAll("|", "\\|");
  const lines = ["| Check | Level | Sends, expects | Rule (source) |", "| --- | --- | --- | --- |"];
  for (const check of checks)
    lines.push(
      `| \`${check.id}\` | ${check.requirement} | ${cell(check.title)} | "${cell(check.source.quote)}" (${check.source.document} § ${cell(check.source.section)}) |`,
    );
  return lines.join("\n");
}

function replaceBetween(text, name, content) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const at = text.indexOf(begin);
  const to = text.indexOf(end);
  if (at < 0 || to < at) throw new Error(`probe-matrix: docs/CONFORMANCE.md lacks the ${begin} ... ${end} markers`);
  return `${text.slice(0, at + begin.length)}\n${content}\n${text.slice(to)}`;
}

if (full) {
  const path = join(root, "docs/CONFORMANCE.md");
  let text = readFileSync(path, "utf8");
  text = replaceBetween(text, "probe-matrix", section);
  text = replaceBetween(text, "probe-server-checks", catalogue(SERVER_CHECKS));
  text = replaceBetween(text, "probe-client-checks", catalogue(CLIENT_CHECKS));
  writeFileSync(path, text);
}
const failedTsgrpc =
  reports.tsgrpc === undefined ? 0 : countVerdicts(reports.tsgrpc.server).FAIL + countVerdicts(reports.tsgrpc.client).FAIL;
console.log(`probe-matrix: reports in ${out}${failedTsgrpc > 0 ? `; tsgrpc has ${failedTsgrpc} FAIL(s)` : ""}`);
process.exit(failedTsgrpc > 0 ? 1 : 0);
