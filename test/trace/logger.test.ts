import { expect } from "chai";
import { createClient } from "../../src/client/index.js";
import { Channel } from "../../src/client/index.js";
import { Server, type ServerInterceptor } from "../../src/server/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import type { Logger } from "../../src/trace/index.js";
import { Greeter, type GreeterClient } from "./scenarios.js";

/** A logger that records every line, by level. */
function recordingLogger(): Logger & { lines: { level: string; message: string; details: unknown[] }[] } {
  const lines: { level: string; message: string; details: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      void lines.push({ level, message, details });
  return { lines, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

async function serve(
  logger: Logger | null | undefined,
  interceptors: ServerInterceptor[] = [],
): Promise<{ client: GreeterClient; close(): Promise<void> }> {
  const server = new Server({ trace: false, interceptors, ...(logger === undefined ? {} : { logger }) });
  server.add(Greeter, {
    sayHello(request: { name: string }) {
      if (request.name === "invalid") throw new GrpcError(Code.InvalidArgument, "server: on purpose");
      if (request.name === "reject") return Promise.reject(new TypeError("rejected"));
      throw new Error(`boom ${request.name}`);
    },
    async *sayHellos() {
      yield { message: "one" };
      throw new RangeError("streaming boom");
    },
    collectHellos: async () => ({ message: "" }),
    async *chat() {},
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const channel = new Channel(`127.0.0.1:${port}`, { trace: false, logger: null });
  return {
    client: createClient(Greeter, channel),
    async close() {
      channel.close();
      await server.forceShutdown();
    },
  };
}

describe("logger: unexpected handler failures", function () {
  this.timeout(20_000);

  it("a handler that throws is logged once, with the method and the error (and its stack); the client gets UNKNOWN", async () => {
    const logger = recordingLogger();
    const { client, close } = await serve(logger);
    try {
      const error = await client.sayHello({ name: "x" }).catch((failure: unknown) => failure);
      expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unknown);
      expect(logger.lines).to.have.length(1);
      expect(logger.lines[0]!.level).to.equal("error");
      expect(logger.lines[0]!.message).to.contain("/test.Greeter/SayHello");
      const logged = logger.lines[0]!.details[0] as Error;
      expect(logged.message).to.equal("boom x");
      expect(logged.stack).to.contain("sayHello");
    } finally {
      await close();
    }
  });

  it("a rejected promise and a streaming handler's throw are logged once each", async () => {
    const logger = recordingLogger();
    const { client, close } = await serve(logger);
    try {
      await client.sayHello({ name: "reject" }).catch(() => undefined);
      const received: unknown[] = [];
      await (async () => {
        for await (const reply of client.sayHellos({ name: "s" })) received.push(reply);
      })().catch(() => undefined);
      expect(received).to.have.length(1);
      expect(logger.lines.map((line) => (line.details[0] as Error).message)).to.deep.equal(["rejected", "streaming boom"]);
      expect(logger.lines[1]!.message).to.contain("/test.Greeter/SayHellos");
    } finally {
      await close();
    }
  });

  it("with an interceptor around the handler, still once", async () => {
    const logger = recordingLogger();
    const { client, close } = await serve(logger, [async (_ctx, next) => next()]);
    try {
      await client.sayHello({ name: "y" }).catch(() => undefined);
      expect(logger.lines).to.have.length(1);
    } finally {
      await close();
    }
  });

  it("a GrpcError thrown on purpose is never logged", async () => {
    const logger = recordingLogger();
    const { client, close } = await serve(logger);
    try {
      const error = await client.sayHello({ name: "invalid" }).catch((failure: unknown) => failure);
      expect(error).to.have.property("code", Code.InvalidArgument);
      expect(logger.lines).to.deep.equal([]);
    } finally {
      await close();
    }
  });

  for (const [what, option, expected] of [
    ["default: one console.error line", undefined, 1],
    ["null: silent", null, 0],
  ] as const)
    it(what, async () => {
      const original = console.error;
      const calls: unknown[][] = [];
      console.error = (...args: unknown[]) => void calls.push(args);
      try {
        const { client, close } = await serve(option);
        try {
          await client.sayHello({ name: "z" }).catch(() => undefined);
        } finally {
          await close();
        }
      } finally {
        console.error = original;
      }
      expect(calls).to.have.length(expected);
      if (expected === 1) expect(String(calls[0]![0])).to.contain("/test.Greeter/SayHello");
    });
});

describe("logger: client connection events at debug level", function () {
  this.timeout(20_000);

  it("a connect failure", async () => {
    const logger = recordingLogger();
    const probe = new Server({ trace: false });
    const { port } = await probe.listen({ host: "127.0.0.1", port: 0 });
    await probe.forceShutdown();
    const channel = new Channel(`127.0.0.1:${port}`, { trace: false, logger });
    try {
      const client: GreeterClient = createClient(Greeter, channel);
      await client.sayHello({ name: "x" }).catch(() => undefined);
    } finally {
      channel.close();
    }
    expect(
      logger.lines.some((line) => line.level === "debug" && /connection failed: .*ECONNREFUSED|connection failed/.test(line.message)),
    ).to.equal(true);
  });

  it("a GOAWAY from a server shutting down", async () => {
    const logger = recordingLogger();
    const server = new Server({ trace: false, logger: null });
    server.add(Greeter, {
      sayHello: () => ({ message: "hi" }),
      sayHellos: async function* () {},
      collectHellos: async () => ({ message: "" }),
      chat: async function* () {},
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`, { trace: false, logger });
    try {
      const client: GreeterClient = createClient(Greeter, channel);
      await client.sayHello({ name: "x" });
      await server.shutdown();
      for (let i = 0; i < 200 && !logger.lines.some((line) => line.message.includes("GOAWAY")); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      channel.close();
    }
    const goaway = logger.lines.find((line) => line.message.includes("GOAWAY"));
    expect(goaway?.level).to.equal("debug");
    expect(goaway?.message).to.match(/^tsgrpc client: connection \d+ \(127\.0\.0\.1:\d+\): < GOAWAY NO_ERROR \(0\)/);
  });
});
