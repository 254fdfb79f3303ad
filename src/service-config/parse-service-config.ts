import type { Code } from "../status/index.js";
import { parseDuration } from "./duration.js";
import {
  MAX_ATTEMPTS_LIMIT,
  type HedgingPolicy,
  type LoadBalancingConfig,
  type MethodConfig,
  type MethodName,
  type RetryPolicy,
  type RetryThrottling,
  type ServiceConfig,
} from "./service-config.js";
import type { ServiceConfigJson } from "./service-config-json.js";
import { codeFromConfig } from "./status-codes.js";

const MAX_UINT32 = 0xffff_ffff;

/**
 * Validates a service config (gRFC A2), given as its JSON text or as the parsed object, and
 * returns it frozen, with durations in ms and status codes as numbers. `path` names the config
 * in messages (default "serviceConfig").
 *
 * Anything invalid is a TypeError naming the JSON path and the rule broken
 * ("service config: serviceConfig.methodConfig[0].retryPolicy.maxAttempts must be an integer > 1"),
 * so a bad config fails where it is given instead of being ignored. Unknown fields are ignored,
 * as the spec asks of every gRPC.
 * https://github.com/grpc/proposal/blob/master/A2-service-configs-in-dns.md
 * https://github.com/grpc/proposal/blob/master/A6-client-retries.md
 */
export function parseServiceConfig(input: ServiceConfigJson | string, path = "serviceConfig"): ServiceConfig {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (error) {
      fail(path, `must be valid JSON (${(error as Error).message})`);
    }
  }
  const root = object(json, path);
  const loadBalancingConfig = parseLoadBalancing(root, path);
  const methodConfig: MethodConfig[] = [];
  const seen = new Set<string>();
  if (root.methodConfig !== undefined && root.methodConfig !== null) {
    const entries = array(root.methodConfig, `${path}.methodConfig`);
    entries.forEach((entry, index) => {
      const at = `${path}.methodConfig[${index}]`;
      const config = parseMethodConfig(entry, at);
      methodConfig.push(config);
      config.names.forEach((name, nameIndex) => {
        const key = `${name.service}/${name.method}`;
        if (seen.has(key))
          fail(`${at}.name[${nameIndex}]`, `names ${describeName(name)} again: each name may appear once in a service config`);
        seen.add(key);
      });
    });
  }
  return Object.freeze({
    loadBalancingConfig: Object.freeze(loadBalancingConfig),
    methodConfig: Object.freeze(methodConfig),
    retryThrottling: parseThrottling(root.retryThrottling, `${path}.retryThrottling`),
    healthCheckServiceName: parseHealthCheck(root.healthCheckConfig, `${path}.healthCheckConfig`),
  });
}

function parseLoadBalancing(root: Record<string, unknown>, path: string): LoadBalancingConfig[] {
  const list = root.loadBalancingConfig;
  if (list !== undefined && list !== null) {
    return array(list, `${path}.loadBalancingConfig`).map((entry, index) => {
      const at = `${path}.loadBalancingConfig[${index}]`;
      const keys = Object.keys(object(entry, at));
      if (keys.length !== 1) fail(at, `must have exactly one key, the policy name (got ${keys.length}): [{ "round_robin": {} }]`);
      const name = keys[0]!;
      const config = object((entry as Record<string, unknown>)[name], `${at}.${name}`);
      return Object.freeze({ name, config: Object.freeze({ ...config }) });
    });
  }
  const legacy = root.loadBalancingPolicy;
  if (legacy === undefined || legacy === null) return [];
  if (typeof legacy !== "string" || legacy === "") fail(`${path}.loadBalancingPolicy`, 'must be a policy name such as "round_robin"');
  return [Object.freeze({ name: legacy.toLowerCase(), config: Object.freeze({}) })];
}

function parseMethodConfig(value: unknown, at: string): MethodConfig {
  const entry = object(value, at);
  const names: MethodName[] = [];
  if (entry.name !== undefined && entry.name !== null)
    array(entry.name, `${at}.name`).forEach((name, index) => {
      names.push(parseName(name, `${at}.name[${index}]`));
    });
  const waitForReady = entry.waitForReady;
  if (waitForReady !== undefined && waitForReady !== null && typeof waitForReady !== "boolean")
    fail(`${at}.waitForReady`, "must be true or false");
  let timeoutMs: number | undefined;
  if (entry.timeout !== undefined && entry.timeout !== null) {
    timeoutMs = parseDuration(entry.timeout);
    if (timeoutMs === undefined) fail(`${at}.timeout`, 'must be a duration such as "1.5s" (seconds, up to 9 decimals, then "s")');
  }
  const hasRetry = entry.retryPolicy !== undefined && entry.retryPolicy !== null;
  const hasHedging = entry.hedgingPolicy !== undefined && entry.hedgingPolicy !== null;
  if (hasRetry && hasHedging) fail(at, "may have a retryPolicy or a hedgingPolicy, not both");
  const policy = hasRetry
    ? parseRetryPolicy(entry.retryPolicy, `${at}.retryPolicy`)
    : hasHedging
      ? parseHedgingPolicy(entry.hedgingPolicy, `${at}.hedgingPolicy`)
      : undefined;
  return Object.freeze({
    names: Object.freeze(names),
    waitForReady: (waitForReady ?? undefined) as boolean | undefined,
    timeoutMs,
    maxRequestMessageBytes: byteLimit(entry.maxRequestMessageBytes, `${at}.maxRequestMessageBytes`),
    maxResponseMessageBytes: byteLimit(entry.maxResponseMessageBytes, `${at}.maxResponseMessageBytes`),
    policy,
  });
}

function parseName(value: unknown, at: string): MethodName {
  const name = object(value, at);
  const service = optionalString(name.service, `${at}.service`);
  const method = optionalString(name.method, `${at}.method`);
  if (service === "" && method !== "") fail(`${at}.method`, "must be empty when service is empty (the default name is {})");
  return Object.freeze({ service, method });
}

function parseRetryPolicy(value: unknown, at: string): RetryPolicy {
  const policy = object(value, at);
  return Object.freeze({
    kind: "retry" as const,
    maxAttempts: maxAttempts(policy.maxAttempts, `${at}.maxAttempts`),
    initialBackoffMs: positiveDuration(policy.initialBackoff, `${at}.initialBackoff`),
    maxBackoffMs: positiveDuration(policy.maxBackoff, `${at}.maxBackoff`),
    backoffMultiplier: positiveNumber(policy.backoffMultiplier, `${at}.backoffMultiplier`),
    retryableStatusCodes: codes(policy.retryableStatusCodes, `${at}.retryableStatusCodes`, true),
  });
}

function parseHedgingPolicy(value: unknown, at: string): HedgingPolicy {
  const policy = object(value, at);
  let hedgingDelayMs = 0;
  if (policy.hedgingDelay !== undefined && policy.hedgingDelay !== null) {
    const delay = parseDuration(policy.hedgingDelay);
    if (delay === undefined) fail(`${at}.hedgingDelay`, 'must be a duration such as "0.5s" (seconds, up to 9 decimals, then "s")');
    hedgingDelayMs = delay;
  }
  return Object.freeze({
    kind: "hedging" as const,
    maxAttempts: maxAttempts(policy.maxAttempts, `${at}.maxAttempts`),
    hedgingDelayMs,
    nonFatalStatusCodes:
      policy.nonFatalStatusCodes === undefined || policy.nonFatalStatusCodes === null
        ? Object.freeze([])
        : codes(policy.nonFatalStatusCodes, `${at}.nonFatalStatusCodes`, false),
  });
}

function parseThrottling(value: unknown, at: string): RetryThrottling | undefined {
  if (value === undefined || value === null) return undefined;
  const throttling = object(value, at);
  const maxTokens = throttling.maxTokens;
  if (typeof maxTokens !== "number" || !(maxTokens > 0 && maxTokens <= 1000)) fail(`${at}.maxTokens`, "must be a number in (0, 1000]");
  const tokenRatio = positiveNumber(throttling.tokenRatio, `${at}.tokenRatio`);
  // "Up to 3 decimal places are supported": the rest is dropped, as C-core does.
  const milli = Math.floor(tokenRatio * 1000);
  if (milli === 0) fail(`${at}.tokenRatio`, "must be at least 0.001 (up to 3 decimal places are supported)");
  return Object.freeze({ maxTokens, tokenRatio: milli / 1000 });
}

function parseHealthCheck(value: unknown, at: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const config = object(value, at);
  const name = optionalString(config.serviceName, `${at}.serviceName`);
  return name;
}

function maxAttempts(value: unknown, at: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 2) fail(at, "must be an integer > 1");
  return Math.min(value, MAX_ATTEMPTS_LIMIT);
}

function positiveDuration(value: unknown, at: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) fail(at, 'must be a duration > 0 such as "0.1s" (seconds, up to 9 decimals, then "s")');
  return ms;
}

function positiveNumber(value: unknown, at: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(at, "must be a number > 0");
  return value;
}

function byteLimit(value: unknown, at: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_UINT32)
    fail(at, "must be an integer number of bytes in [0, 4294967295]");
  return value;
}

function codes(value: unknown, at: string, required: boolean): readonly Code[] {
  const list = array(value, at);
  if (required && list.length === 0) fail(at, 'must list at least one status code, e.g. ["UNAVAILABLE"]');
  const found: Code[] = [];
  list.forEach((entry, index) => {
    const code = codeFromConfig(entry);
    if (code === undefined)
      fail(`${at}[${index}]`, `${JSON.stringify(entry)} is not a status code (a name such as "UNAVAILABLE", or 0-16)`);
    if (code === 0) fail(`${at}[${index}]`, "OK is not a failure and cannot be retried");
    if (!found.includes(code)) found.push(code);
  });
  return Object.freeze(found);
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(at, `must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function array(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) fail(at, `must be an array, got ${describe(value)}`);
  return value;
}

function optionalString(value: unknown, at: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") fail(at, `must be a string, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === "object" ? "an object" : String(value);
}

function describeName(name: MethodName): string {
  return name.service === "" ? "the default {}" : name.method === "" ? `service ${name.service}` : `${name.service}/${name.method}`;
}

function fail(at: string, rule: string): never {
  throw new TypeError(`service config: ${at} ${rule}`);
}
