// Type tests of the service config: ChannelOptions.serviceConfig takes the A2 JSON shape (or its
// text); a field of the wrong type, or a retry policy missing a required field, is a compile error.
import { Channel, type parseServiceConfig, type ChannelOptions, type ServiceConfig, type ServiceConfigJson } from "../../src/index.js";
import { expectTrue, type Equal } from "./assert.js";

const good: ServiceConfigJson = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [
    {
      name: [{ service: "helloworld.Greeter", method: "SayHello" }, {}],
      timeout: "1.5s",
      waitForReady: true,
      maxRequestMessageBytes: 1024,
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: "0.1s",
        maxBackoff: "1s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE", 14],
      },
    },
    { name: [{ service: "helloworld.Other" }], hedgingPolicy: { maxAttempts: 2, hedgingDelay: "0.5s" } },
  ],
  retryThrottling: { maxTokens: 10, tokenRatio: 0.1 },
};
new Channel("localhost:50051", { serviceConfig: good });
new Channel("localhost:50051", { serviceConfig: JSON.stringify(good) });
expectTrue<Equal<ReturnType<typeof parseServiceConfig>, ServiceConfig>>();

const backoff = { initialBackoff: "0.1s", maxBackoff: "1s", backoffMultiplier: 2 };
const codes = ["UNAVAILABLE"];

const stringAttempts: ServiceConfigJson = {
  // @ts-expect-error maxAttempts is a number, not a string
  methodConfig: [{ retryPolicy: { ...backoff, maxAttempts: "3", retryableStatusCodes: codes } }],
};
void stringAttempts;

// @ts-expect-error a retry policy needs retryableStatusCodes
const missing: ServiceConfigJson = { methodConfig: [{ retryPolicy: { ...backoff, maxAttempts: 3 } }] };
void missing;

const options: ChannelOptions = { retries: true, retryBufferBytes: 1 << 20, perCallRetryBufferBytes: 1 << 16 };
void options;

// @ts-expect-error the timeout is a duration string ("1.5s"), not a number of ms
const numericTimeout: ServiceConfigJson = { methodConfig: [{ timeout: 1500 }] };
void numericTimeout;

// @ts-expect-error waitForReady is a boolean
const stringFlag: ServiceConfigJson = { methodConfig: [{ waitForReady: "yes" }] };
void stringFlag;

// @ts-expect-error a service config is an object or its JSON text
new Channel("localhost:50051", { serviceConfig: 42 });

// @ts-expect-error retries is a boolean switch
new Channel("localhost:50051", { retries: "off" });
