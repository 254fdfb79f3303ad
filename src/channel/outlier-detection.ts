import { CallCounter } from "./call-counter.js";
import { configError, configObject, optionalCount, optionalDurationMs, type ConfigObject } from "./config-fields.js";
import type { ConnectivityState } from "./connectivity.js";
import type { ChannelControl, LoadBalancingChoice, Policy, PolicyFactory, PolicyRegistry } from "./policy.js";
import type { Subchannel } from "./subchannel.js";
import { formatAddress, type Address } from "./target.js";
import type { Transport } from "./transport.js";

/** The validated config, in milliseconds, with every default filled in. */
export interface ParsedOutlierDetectionConfig {
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  readonly successRate:
    | {
        readonly stdevFactor: number;
        readonly enforcementPercentage: number;
        readonly minimumHosts: number;
        readonly requestVolume: number;
      }
    | undefined;
  readonly failurePercentage:
    | { readonly threshold: number; readonly enforcementPercentage: number; readonly minimumHosts: number; readonly requestVolume: number }
    | undefined;
  readonly child: LoadBalancingChoice;
}

/** What the detector keeps per address (A50's map entry). */
interface AddressRecord {
  readonly counter: CallCounter;
  /** The sweep time of the ejection, undefined while not ejected. */
  ejectedAt: number | undefined;
  /** Grows by one per ejection, shrinks by one per sweep without one. */
  multiplier: number;
  subchannel: Subchannel<Transport>;
}

/**
 * outlier_detection: balances with a child policy and ejects the addresses whose calls fail
 * much more than the others' (success rate) or than a threshold (failure percentage). An ejected
 * address looks TRANSIENT_FAILURE to the child, so it gets no calls, for
 * `baseEjectionTime x (times ejected)` (at most `maxEjectionTime`); a sweep every `interval`
 * judges the last interval's results, ejects, and returns addresses whose time is over.
 * https://github.com/grpc/proposal/blob/master/A50-xds-outlier-detection.md
 */
export class OutlierDetection implements Policy {
  readonly usesHealthChecks: boolean;
  readonly tracksCalls: boolean;
  private readonly config: ParsedOutlierDetectionConfig;
  private readonly child: Policy;
  private readonly records = new Map<string, AddressRecord>();
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(config: ParsedOutlierDetectionConfig, child: Policy, random: () => number = Math.random) {
    this.config = config;
    this.child = child;
    this.random = random;
    this.usesHealthChecks = child.usesHealthChecks;
    this.tracksCalls = config.successRate !== undefined || config.failurePercentage !== undefined || child.tracksCalls;
    if (config.successRate !== undefined || config.failurePercentage !== undefined) {
      this.timer = setInterval(() => this.sweep(), config.intervalMs);
      this.timer.unref();
    }
  }

  pick<T extends Transport>(subchannels: readonly Subchannel<T>[], skip?: (subchannel: Subchannel<T>) => boolean): T | undefined {
    return this.child.pick(subchannels, skip);
  }

  exitIdle(subchannels: readonly Subchannel<Transport>[]): void {
    this.child.exitIdle(subchannels);
  }

  aggregateState(subchannels: readonly Subchannel<Transport>[], current: ConnectivityState): ConnectivityState {
    return this.child.aggregateState(subchannels, current);
  }

  orderAddresses(addresses: readonly Address[]): readonly Address[] {
    return this.child.orderAddresses?.(addresses) ?? addresses;
  }

  /** A new address list: a record per address (kept for addresses that stay), each subchannel counted and ejected as its address is. */
  addressesChanged(subchannels: readonly Subchannel<Transport>[]): void {
    const gone = new Set(this.records.keys());
    for (const subchannel of subchannels) {
      const key = formatAddress(subchannel.address);
      gone.delete(key);
      let record = this.records.get(key);
      if (record === undefined) {
        record = { counter: new CallCounter(), ejectedAt: undefined, multiplier: 0, subchannel };
        this.records.set(key, record);
      }
      record.subchannel = subchannel;
      if (this.tracksCalls) subchannel.callCounter = record.counter;
      subchannel.setEjected(record.ejectedAt !== undefined);
    }
    for (const key of gone) this.records.delete(key);
    this.child.addressesChanged?.(subchannels);
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.child.close?.();
  }

  /**
   * One sweep (A50 "Outlier Detection Behavior"): swap the counters, run the configured
   * algorithms, then age the multipliers and un-eject addresses whose ejection time is over.
   * Runs on the interval timer; `now` is injectable for tests.
   */
  sweep(now = Date.now()): void {
    for (const record of this.records.values()) record.counter.swap();
    if (this.config.successRate !== undefined) this.ejectBySuccessRate(now, this.config.successRate);
    if (this.config.failurePercentage !== undefined) this.ejectByFailurePercentage(now, this.config.failurePercentage);
    const { baseEjectionTimeMs, maxEjectionTimeMs } = this.config;
    for (const record of this.records.values()) {
      if (record.ejectedAt === undefined) {
        if (record.multiplier > 0) record.multiplier--;
      } else if (
        now >=
        record.ejectedAt + Math.min(baseEjectionTimeMs * record.multiplier, Math.max(baseEjectionTimeMs, maxEjectionTimeMs))
      ) {
        record.ejectedAt = undefined;
        record.subchannel.setEjected(false);
      }
    }
  }

  /** Whether the address of this subchannel is ejected now. */
  isEjected(address: Address): boolean {
    return this.records.get(formatAddress(address))?.ejectedAt !== undefined;
  }

  private ejectBySuccessRate(now: number, config: NonNullable<ParsedOutlierDetectionConfig["successRate"]>): void {
    const judged = [...this.records.values()].filter((record) => record.counter.volume >= config.requestVolume);
    if (judged.length < config.minimumHosts || judged.length === 0) return;
    const rates = judged.map((record) => record.counter.successes / record.counter.volume);
    const mean = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
    const stdev = Math.sqrt(rates.reduce((sum, rate) => sum + (rate - mean) ** 2, 0) / rates.length);
    const threshold = mean - stdev * (config.stdevFactor / 1000);
    for (let i = 0; i < judged.length; i++) {
      if (this.ejectionCapReached()) return;
      if (rates[i]! < threshold) this.maybeEject(judged[i]!, now, config.enforcementPercentage);
    }
  }

  private ejectByFailurePercentage(now: number, config: NonNullable<ParsedOutlierDetectionConfig["failurePercentage"]>): void {
    if (this.records.size < config.minimumHosts) return;
    for (const record of this.records.values()) {
      if (this.ejectionCapReached()) return;
      const volume = record.counter.volume;
      if (volume < config.requestVolume || volume === 0) continue;
      if ((record.counter.failures * 100) / volume > config.threshold) this.maybeEject(record, now, config.enforcementPercentage);
    }
  }

  /** A50: stop ejecting once more than maxEjectionPercent of the addresses are out (so one can always go). */
  private ejectionCapReached(): boolean {
    let ejected = 0;
    for (const record of this.records.values()) if (record.ejectedAt !== undefined) ejected++;
    return (ejected * 100) / this.records.size > this.config.maxEjectionPercent;
  }

  private maybeEject(record: AddressRecord, now: number, enforcementPercentage: number): void {
    if (record.ejectedAt !== undefined || Math.floor(this.random() * 100) >= enforcementPercentage) return;
    record.ejectedAt = now;
    record.multiplier++;
    record.subchannel.setEjected(true);
  }
}

function parseConfig(json: unknown, path: string, registry: PolicyRegistry): ParsedOutlierDetectionConfig {
  const object = configObject(json, path, [
    "interval",
    "baseEjectionTime",
    "maxEjectionTime",
    "maxEjectionPercent",
    "successRateEjection",
    "failurePercentageEjection",
    "childPolicy",
  ]);
  if (object.childPolicy === undefined)
    throw configError(`${path}.childPolicy`, "must be given (the policy that balances the addresses not ejected)");
  const intervalMs = optionalDurationMs(object, "interval", path) ?? 10_000;
  if (intervalMs < 1) throw configError(`${path}.interval`, "must be at least 1 ms");
  const baseEjectionTimeMs = optionalDurationMs(object, "baseEjectionTime", path) ?? 30_000;
  return Object.freeze({
    intervalMs,
    baseEjectionTimeMs,
    maxEjectionTimeMs: optionalDurationMs(object, "maxEjectionTime", path) ?? Math.max(300_000, baseEjectionTimeMs),
    maxEjectionPercent: optionalCount(object, "maxEjectionPercent", path, 100) ?? 10,
    successRate: parseSuccessRate(object, `${path}.successRateEjection`),
    failurePercentage: parseFailurePercentage(object, `${path}.failurePercentageEjection`),
    child: registry.parse(object.childPolicy, `${path}.childPolicy`),
  });
}

function parseSuccessRate(parent: ConfigObject, path: string): ParsedOutlierDetectionConfig["successRate"] {
  if (parent.successRateEjection === undefined) return undefined;
  const object = configObject(parent.successRateEjection, path, ["stdevFactor", "enforcementPercentage", "minimumHosts", "requestVolume"]);
  return Object.freeze({
    stdevFactor: optionalCount(object, "stdevFactor", path) ?? 1900,
    enforcementPercentage: optionalCount(object, "enforcementPercentage", path, 100) ?? 100,
    minimumHosts: optionalCount(object, "minimumHosts", path) ?? 5,
    requestVolume: optionalCount(object, "requestVolume", path) ?? 100,
  });
}

function parseFailurePercentage(parent: ConfigObject, path: string): ParsedOutlierDetectionConfig["failurePercentage"] {
  if (parent.failurePercentageEjection === undefined) return undefined;
  const object = configObject(parent.failurePercentageEjection, path, [
    "threshold",
    "enforcementPercentage",
    "minimumHosts",
    "requestVolume",
  ]);
  return Object.freeze({
    threshold: optionalCount(object, "threshold", path, 100) ?? 85,
    enforcementPercentage: optionalCount(object, "enforcementPercentage", path, 100) ?? 100,
    minimumHosts: optionalCount(object, "minimumHosts", path) ?? 5,
    requestVolume: optionalCount(object, "requestVolume", path) ?? 50,
  });
}

/** The registry entry of `outlier_detection_experimental` (the name gRPC registers it under). */
export const OUTLIER_DETECTION: PolicyFactory<ParsedOutlierDetectionConfig> = {
  parseConfig,
  create: (config: ParsedOutlierDetectionConfig, control: ChannelControl, registry: PolicyRegistry) =>
    new OutlierDetection(config, registry.create(config.child, control)),
};
