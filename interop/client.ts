// The tsgrpc interop client: runs one case of doc/interop-test-descriptions.md against a server.
// Flags as in the reference clients: --server_host --server_port --test_case --use_tls
// --use_test_ca --server_host_override, plus grpc-go's --ca_file and the soak flags.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Channel, GrpcError, codeName, type ChannelOptions } from "../src/index.js";
import { AssertionFailure, TESTING_SERVICES, TEST_CASES, interopCompressions } from "./test-cases.js";

/** The project root: the first folder above this file with package.json (dist/ and .build/NAME/ differ in depth). */
const ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));

function projectRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  throw new Error(`interop client: no package.json above ${start}`);
}

const DEFAULTS: Record<string, string> = {
  server_host: "localhost",
  server_port: "10000",
  test_case: "large_unary",
  use_tls: "false",
  use_test_ca: "false",
  server_host_override: "",
  ca_file: join(ROOT, "interop", "certs", "ca.pem"),
  // Accepted like the other clients' flag, unused: the generated code (interop/gen) carries the protos.
  proto_root: join(ROOT, "interop", "proto"),
  soak_iterations: "10",
  soak_max_failures: "0",
  soak_per_iteration_max_acceptable_latency_ms: "1000",
  soak_overall_timeout_seconds: "10",
};

function parseFlags(argv: readonly string[]): Record<string, string> {
  const flags = { ...DEFAULTS };
  for (const argument of argv) {
    const match = /^--([a-z_]+)(?:=(.*))?$/s.exec(argument);
    if (match === null || !(match[1]! in DEFAULTS)) throw new TypeError(`unknown argument ${JSON.stringify(argument)}`);
    flags[match[1]!] = match[2] ?? "true";
  }
  return flags;
}

function isTrue(value: string | undefined): boolean {
  return value === "true" || value === "1";
}

async function main(): Promise<number> {
  let flags: Record<string, string>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`usage: ${(error as Error).message}\n`);
    return 2;
  }
  const testCase = flags.test_case!;
  const run = TEST_CASES[testCase];
  if (run === undefined) {
    process.stdout.write(`FAIL ${testCase}: unknown test case (known: ${Object.keys(TEST_CASES).join(", ")})\n`);
    return 2;
  }
  const { gzip, compressions } = interopCompressions();
  const channelOptions: ChannelOptions = { compressions };
  if (isTrue(flags.use_tls)) {
    channelOptions.tls = {
      ...(isTrue(flags.use_test_ca) ? { ca: readFileSync(flags.ca_file!) } : {}),
      ...(flags.server_host_override ? { serverNameOverride: flags.server_host_override } : {}),
    };
  }
  const host = flags.server_host!.includes(":") ? `[${flags.server_host}]` : flags.server_host;
  const target = `${host}:${flags.server_port}`;
  const channel = new Channel(target, channelOptions);
  try {
    await run({
      target,
      channelOptions,
      ...TESTING_SERVICES,
      gzip,
      channel,
      soakIterations: Number(flags.soak_iterations),
      soakMaxFailures: Number(flags.soak_max_failures),
      soakPerIterationMaxLatencyMs: Number(flags.soak_per_iteration_max_acceptable_latency_ms),
      soakOverallTimeoutMs: Number(flags.soak_overall_timeout_seconds) * 1000,
    });
    process.stdout.write(`PASS ${testCase}\n`);
    return 0;
  } catch (error) {
    if (error instanceof GrpcError)
      process.stdout.write(`FAIL ${testCase}: ${codeName(error.code)} (${error.code}): ${oneLine(error.statusMessage)}\n`);
    else if (error instanceof AssertionFailure) process.stdout.write(`FAIL ${testCase}: ${oneLine(error.message)}\n`);
    else process.stdout.write(`FAIL ${testCase}: ${oneLine(String((error as Error)?.stack ?? error))}\n`);
    return 1;
  } finally {
    channel.close();
  }
}

function oneLine(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

process.exitCode = await main();
