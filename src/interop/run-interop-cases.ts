import { Channel, GrpcError, Metadata, codeName, gzip, type ChannelOptions, type Interceptor } from "../index.js";
import { CountingCompression } from "./counting-compression.js";
import { AssertionFailure, STANDARD_CASES, TEST_CASES, UNSUPPORTED_CASES, type InteropContext } from "./test-cases.js";

/** How the interop client connects and what the soak cases do (the client flags, parsed). */
export interface InteropClientOptions {
  /** The server's host name or address (`--server_host`). */
  readonly serverHost: string;
  /** The server's port (`--server_port`). */
  readonly serverPort: number;
  /** The TLS server name and `:authority` (`--server_host_override`); default the host. */
  readonly serverHostOverride?: string | undefined;
  /** Connect with TLS (`--use_tls`). */
  readonly useTls: boolean;
  /**
   * The CA certificates (PEM) to trust instead of the system roots: `--ca_file`'s contents, or the
   * built-in test CA with `--use_test_ca`. Unset: the system roots.
   */
  readonly caPem?: string | Uint8Array | undefined;
  /** Metadata added to every call (`--additional_metadata`). */
  readonly additionalMetadata?: Metadata | undefined;
  /** The default service config (`--service_config_json`); the resolver's is then ignored. */
  readonly serviceConfigJson?: string | undefined;
  /** A case still running after this long fails, and its channel is closed. Default 60 s. */
  readonly caseTimeoutMs?: number | undefined;
  readonly soakIterations?: number | undefined;
  readonly soakMaxFailures?: number | undefined;
  readonly soakPerIterationMaxLatencyMs?: number | undefined;
  readonly soakOverallTimeoutMs?: number | undefined;
  readonly soakMinTimeMsBetweenRpcs?: number | undefined;
  readonly soakRequestSize?: number | undefined;
  readonly soakResponseSize?: number | undefined;
}

/** The outcome of one case. */
export interface CaseResult {
  /** The case's reference name (`large_unary`). */
  readonly name: string;
  /** PASS, FAIL, or SKIP (a case this client knows but cannot run here; the reason says why). */
  readonly status: "PASS" | "FAIL" | "SKIP";
  /** How long the case took, in milliseconds. */
  readonly ms: number;
  /** Why the case failed or was skipped: the status received, or the assertion that did not hold. */
  readonly reason?: string;
}

/** Whether `name` is a case this client can run. */
export function isRunnableCase(name: string): boolean {
  return Object.hasOwn(TEST_CASES, name);
}

/** Whether `name` is a case of another client that this one reports as SKIP (cloud credentials, ORCA). */
export function isUnsupportedCase(name: string): boolean {
  return Object.hasOwn(UNSUPPORTED_CASES, name);
}

/** The names of every case this client runs, in the order `all` runs the standard ones, then the rest. */
export function runnableCases(): string[] {
  return Object.keys(TEST_CASES);
}

/**
 * The cases a `--test_case` value names: `all` (the standard cases), one name, or several separated
 * by commas. Throws RangeError naming the known cases for an unknown one.
 */
export function selectCases(testCase: string): string[] {
  const names = testCase
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "")
    .flatMap((name) => (name === "all" ? STANDARD_CASES : [name]));
  if (names.length === 0) throw new RangeError("interop: --test_case names no case");
  for (const name of names)
    if (!isRunnableCase(name) && !isUnsupportedCase(name))
      throw new RangeError(`interop: unknown test case ${JSON.stringify(name)} (known: all, ${runnableCases().join(", ")})`);
  return names;
}

/** The channel target for a host and port: an IPv6 address in brackets. */
export function targetOf(host: string, port: number): string {
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

/**
 * Runs the cases named, one after the other, each on a fresh channel, and reports each result to
 * `onResult` as it ends. Never throws for a failing case: the result says FAIL and why.
 */
export async function runInteropCases(
  names: readonly string[],
  options: InteropClientOptions,
  onResult: (result: CaseResult) => void = () => {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const name of names) {
    const result = await runCase(name, options);
    results.push(result);
    onResult(result);
  }
  return results;
}

async function runCase(name: string, options: InteropClientOptions): Promise<CaseResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const unsupported = Object.hasOwn(UNSUPPORTED_CASES, name) ? UNSUPPORTED_CASES[name] : undefined;
  if (unsupported !== undefined) return { name, status: "SKIP", ms: 0, reason: unsupported };
  const run = Object.hasOwn(TEST_CASES, name) ? TEST_CASES[name] : undefined;
  if (run === undefined) return { name, status: "FAIL", ms: 0, reason: `unknown test case (known: ${runnableCases().join(", ")})` };
  const counting = new CountingCompression(gzip);
  const channelOptions = channelOptionsOf(options, counting);
  const target = targetOf(options.serverHost, options.serverPort);
  const channel = new Channel(target, channelOptions);
  const context: InteropContext = {
    target,
    channelOptions,
    gzip: counting,
    channel,
    soakIterations: options.soakIterations ?? 10,
    soakMaxFailures: options.soakMaxFailures ?? 0,
    soakPerIterationMaxLatencyMs: options.soakPerIterationMaxLatencyMs ?? 1000,
    soakOverallTimeoutMs: options.soakOverallTimeoutMs ?? 10_000,
    soakMinTimeMsBetweenRpcs: options.soakMinTimeMsBetweenRpcs ?? 0,
    soakRequestSize: options.soakRequestSize ?? 271828,
    soakResponseSize: options.soakResponseSize ?? 314159,
  };
  const timeoutMs = options.caseTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([run(context).then(() => "done" as const), timedOut]);
    if (outcome === "timeout")
      return { name, status: "FAIL", ms: elapsed(), reason: `did not end within ${timeoutMs} ms (--case_timeout_seconds)` };
    return { name, status: "PASS", ms: elapsed() };
  } catch (error) {
    return { name, status: "FAIL", ms: elapsed(), reason: describeFailure(error) };
  } finally {
    clearTimeout(timer);
    channel.close();
  }
}

function channelOptionsOf(options: InteropClientOptions, counting: CountingCompression): ChannelOptions {
  const channelOptions: ChannelOptions = { compressions: [counting] };
  if (options.useTls) {
    channelOptions.tls = {
      ...(options.caPem !== undefined ? { ca: options.caPem } : {}),
      ...(options.serverHostOverride ? { serverNameOverride: options.serverHostOverride } : {}),
    };
  }
  const extra = options.additionalMetadata;
  if (extra !== undefined && extra.size > 0) channelOptions.interceptors = [addMetadata(extra)];
  if (options.serviceConfigJson) {
    channelOptions.serviceConfig = options.serviceConfigJson;
    channelOptions.ignoreResolverServiceConfig = true;
  }
  return channelOptions;
}

/** An interceptor that adds `extra` to every call's metadata. */
function addMetadata(extra: Metadata): Interceptor {
  return (call, next) => {
    const metadata = call.options.metadata?.clone() ?? new Metadata();
    metadata.merge(extra);
    return next({ ...call, options: { ...call.options, metadata } });
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof GrpcError) return `${codeName(error.code)} (${error.code}): ${error.statusMessage}`;
  if (error instanceof AssertionFailure) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
