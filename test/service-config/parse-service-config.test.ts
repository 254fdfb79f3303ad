import { expect } from "chai";
import { Code } from "../../src/status/index.js";
import { methodConfigFor, parseServiceConfig, type ServiceConfigJson } from "../../src/service-config/index.js";

const retryPolicy = {
  maxAttempts: 3,
  initialBackoff: "0.1s",
  maxBackoff: "1s",
  backoffMultiplier: 2,
  retryableStatusCodes: ["UNAVAILABLE", 4],
};

function withMethod(entry: Record<string, unknown>): unknown {
  return { methodConfig: [{ name: [{ service: "pkg.S" }], ...entry }] };
}

describe("parseServiceConfig", () => {
  it("parses every field into ms, codes and a frozen object", () => {
    const config = parseServiceConfig({
      loadBalancingConfig: [{ weird_policy: {} }, { round_robin: {} }],
      methodConfig: [
        {
          name: [{ service: "pkg.S", method: "M" }],
          timeout: "1.5s",
          waitForReady: true,
          maxRequestMessageBytes: 10,
          maxResponseMessageBytes: 20,
          retryPolicy,
        },
      ],
      retryThrottling: { maxTokens: 10, tokenRatio: 0.1234 },
      healthCheckConfig: { serviceName: "pkg.S" },
    });
    expect(config.loadBalancingConfig.map((entry) => entry.name)).to.deep.equal(["weird_policy", "round_robin"]);
    const method = config.methodConfig[0]!;
    expect(method.timeoutMs).to.equal(1500);
    expect(method.waitForReady).to.equal(true);
    expect(method.maxRequestMessageBytes).to.equal(10);
    expect(method.maxResponseMessageBytes).to.equal(20);
    expect(method.policy).to.deep.equal({
      kind: "retry",
      maxAttempts: 3,
      initialBackoffMs: 100,
      maxBackoffMs: 1000,
      backoffMultiplier: 2,
      retryableStatusCodes: [Code.Unavailable, Code.DeadlineExceeded],
    });
    expect(config.retryThrottling).to.deep.equal({ maxTokens: 10, tokenRatio: 0.123 });
    expect(config.healthCheckServiceName).to.equal("pkg.S");
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(method)).to.equal(true);
    expect(Object.isFrozen(method.policy)).to.equal(true);
  });

  it("accepts the same config as JSON text", () => {
    const text = JSON.stringify(withMethod({ timeout: "2s" }));
    expect(parseServiceConfig(text).methodConfig[0]!.timeoutMs).to.equal(2000);
  });

  it("caps maxAttempts at 5", () => {
    const config = parseServiceConfig(withMethod({ retryPolicy: { ...retryPolicy, maxAttempts: 100 } }) as ServiceConfigJson);
    expect(config.methodConfig[0]!.policy!.maxAttempts).to.equal(5);
  });

  it("defaults a hedging policy's delay to 0 and its non-fatal codes to none", () => {
    const config = parseServiceConfig(withMethod({ hedgingPolicy: { maxAttempts: 2 } }) as ServiceConfigJson);
    expect(config.methodConfig[0]!.policy).to.deep.equal({ kind: "hedging", maxAttempts: 2, hedgingDelayMs: 0, nonFatalStatusCodes: [] });
  });

  it("turns the deprecated loadBalancingPolicy into one entry when loadBalancingConfig is absent", () => {
    expect(parseServiceConfig({ loadBalancingPolicy: "ROUND_ROBIN" }).loadBalancingConfig).to.deep.equal([
      { name: "round_robin", config: {} },
    ]);
  });

  it("ignores fields it does not know, as the spec asks", () => {
    expect(() =>
      parseServiceConfig({ futureField: 1, methodConfig: [{ name: [{}], somethingNew: true }] } as unknown as ServiceConfigJson),
    ).to.not.throw();
  });

  // Each invalid config, and the path and rule its TypeError must name.
  const invalid: [string, unknown, string][] = [
    ["not JSON", "{", "serviceConfig must be valid JSON"],
    ["not an object", [], "serviceConfig must be an object"],
    ["methodConfig not an array", { methodConfig: {} }, "serviceConfig.methodConfig must be an array"],
    ["a name not an object", { methodConfig: [{ name: ["pkg.S"] }] }, "serviceConfig.methodConfig[0].name[0] must be an object"],
    [
      "method without service",
      { methodConfig: [{ name: [{ method: "M" }] }] },
      "serviceConfig.methodConfig[0].name[0].method must be empty",
    ],
    [
      "a duplicate name",
      { methodConfig: [{ name: [{ service: "s" }] }, { name: [{ service: "s", method: "" }] }] },
      "serviceConfig.methodConfig[1].name[0] names service s again",
    ],
    ["a duplicate default", { methodConfig: [{ name: [{}] }, { name: [{ service: null }] }] }, "names the default {} again"],
    ["timeout without s", withMethod({ timeout: "1" }), "serviceConfig.methodConfig[0].timeout must be a duration"],
    ["timeout negative", withMethod({ timeout: "-1s" }), "serviceConfig.methodConfig[0].timeout must be a duration"],
    ["timeout 10 fraction digits", withMethod({ timeout: "1.0000000001s" }), ".timeout must be a duration"],
    ["waitForReady a string", withMethod({ waitForReady: "yes" }), ".waitForReady must be true or false"],
    ["a byte limit negative", withMethod({ maxRequestMessageBytes: -1 }), ".maxRequestMessageBytes must be an integer number of bytes"],
    [
      "a byte limit fractional",
      withMethod({ maxResponseMessageBytes: 1.5 }),
      ".maxResponseMessageBytes must be an integer number of bytes",
    ],
    [
      "both policies",
      withMethod({ retryPolicy, hedgingPolicy: { maxAttempts: 2 } }),
      "serviceConfig.methodConfig[0] may have a retryPolicy or a hedgingPolicy, not both",
    ],
    [
      "maxAttempts 1",
      withMethod({ retryPolicy: { ...retryPolicy, maxAttempts: 1 } }),
      "serviceConfig.methodConfig[0].retryPolicy.maxAttempts must be an integer > 1",
    ],
    [
      "maxAttempts 2.5",
      withMethod({ retryPolicy: { ...retryPolicy, maxAttempts: 2.5 } }),
      ".retryPolicy.maxAttempts must be an integer > 1",
    ],
    ["maxAttempts missing", withMethod({ hedgingPolicy: {} }), ".hedgingPolicy.maxAttempts must be an integer > 1"],
    [
      "initialBackoff 0s",
      withMethod({ retryPolicy: { ...retryPolicy, initialBackoff: "0s" } }),
      ".retryPolicy.initialBackoff must be a duration > 0",
    ],
    [
      "maxBackoff missing",
      withMethod({ retryPolicy: { ...retryPolicy, maxBackoff: undefined } }),
      ".retryPolicy.maxBackoff must be a duration > 0",
    ],
    [
      "backoffMultiplier 0",
      withMethod({ retryPolicy: { ...retryPolicy, backoffMultiplier: 0 } }),
      ".retryPolicy.backoffMultiplier must be a number > 0",
    ],
    [
      "retryable codes empty",
      withMethod({ retryPolicy: { ...retryPolicy, retryableStatusCodes: [] } }),
      ".retryPolicy.retryableStatusCodes must list at least one",
    ],
    [
      "an unknown code",
      withMethod({ retryPolicy: { ...retryPolicy, retryableStatusCodes: ["NOPE"] } }),
      '.retryableStatusCodes[0] "NOPE" is not a status code',
    ],
    [
      "code 17",
      withMethod({ hedgingPolicy: { maxAttempts: 2, nonFatalStatusCodes: [17] } }),
      ".nonFatalStatusCodes[0] 17 is not a status code",
    ],
    ["OK retried", withMethod({ retryPolicy: { ...retryPolicy, retryableStatusCodes: ["OK"] } }), "OK is not a failure"],
    [
      "hedgingDelay bad",
      withMethod({ hedgingPolicy: { maxAttempts: 2, hedgingDelay: 1 } }),
      ".hedgingPolicy.hedgingDelay must be a duration",
    ],
    [
      "maxTokens 0",
      { retryThrottling: { maxTokens: 0, tokenRatio: 1 } },
      "serviceConfig.retryThrottling.maxTokens must be a number in (0, 1000]",
    ],
    ["maxTokens 1001", { retryThrottling: { maxTokens: 1001, tokenRatio: 1 } }, ".maxTokens must be a number in (0, 1000]"],
    ["tokenRatio missing", { retryThrottling: { maxTokens: 10 } }, "serviceConfig.retryThrottling.tokenRatio must be a number > 0"],
    ["tokenRatio too fine", { retryThrottling: { maxTokens: 10, tokenRatio: 0.0001 } }, ".tokenRatio must be at least 0.001"],
    [
      "lb entry with two keys",
      { loadBalancingConfig: [{ a: {}, b: {} }] },
      "serviceConfig.loadBalancingConfig[0] must have exactly one key",
    ],
    [
      "lb entry config not an object",
      { loadBalancingConfig: [{ round_robin: 1 }] },
      "serviceConfig.loadBalancingConfig[0].round_robin must be an object",
    ],
    ["lb list not an array", { loadBalancingConfig: { round_robin: {} } }, "serviceConfig.loadBalancingConfig must be an array"],
    ["legacy policy not a string", { loadBalancingPolicy: 1 }, "serviceConfig.loadBalancingPolicy must be a policy name"],
    [
      "health service name not a string",
      { healthCheckConfig: { serviceName: 1 } },
      "serviceConfig.healthCheckConfig.serviceName must be a string",
    ],
  ];
  for (const [what, input, message] of invalid)
    it(`rejects ${what}`, () => {
      expect(() => parseServiceConfig(input as ServiceConfigJson))
        .to.throw(TypeError)
        .with.property("message")
        .that.satisfies((text: string) => text.startsWith("service config: ") && text.includes(message), message);
    });

  it("names the config as the caller asks", () => {
    expect(() => parseServiceConfig({ methodConfig: 1 } as unknown as ServiceConfigJson, "resolver serviceConfig")).to.throw(
      "service config: resolver serviceConfig.methodConfig must be an array",
    );
  });
});

describe("methodConfigFor", () => {
  const config = parseServiceConfig({
    methodConfig: [
      { name: [{}], timeout: "1s" },
      { name: [{ service: "pkg.S" }], timeout: "2s" },
      {
        name: [
          { service: "pkg.S", method: "M" },
          { service: "other.T", method: "N" },
        ],
        timeout: "3s",
      },
    ],
  });
  for (const [path, timeoutMs] of [
    ["/pkg.S/M", 3000],
    ["/other.T/N", 3000],
    ["/pkg.S/X", 2000],
    ["/other.T/M", 1000],
    ["/pkg.SS/M", 1000],
  ] as const)
    it(`matches ${path} to the ${timeoutMs} ms entry (most specific wins)`, () =>
      expect(methodConfigFor(config, path)?.timeoutMs).to.equal(timeoutMs));

  it("finds nothing without a matching or default entry", () => {
    const only = parseServiceConfig({ methodConfig: [{ name: [{ service: "pkg.S" }] }] });
    expect(methodConfigFor(only, "/other.T/M")).to.equal(undefined);
    expect(methodConfigFor(parseServiceConfig({}), "/pkg.S/M")).to.equal(undefined);
  });

  it("skips entries without names", () => {
    expect(methodConfigFor(parseServiceConfig({ methodConfig: [{ timeout: "1s" }] }), "/pkg.S/M")).to.equal(undefined);
  });
});
