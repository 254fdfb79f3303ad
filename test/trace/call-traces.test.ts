import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatValue } from "../../src/trace/index.js";
import { projectRoot } from "../project-root.js";
import { CLIENT_ONLY_SCENARIOS, SCENARIOS, groupedEvents, groupedJson, maskedJson, maskedText, runScenario } from "./scenarios.js";

// The trace of each call kind, success and failure, pinned in test/trace/pinned/ (times, port
// and version masked). Events are compared per side, call or connection, and layer: the order
// inside each group is the protocol's, the interleaving of groups is the event loop's.
// After a deliberate change of the trace output: node dist/test/trace/print-scenarios.js --write
const PINNED = join(projectRoot(), "test", "trace", "pinned");

function pinned(name: string): string {
  return readFileSync(join(PINNED, name), "utf8");
}

describe("trace: the events of each call kind (pinned)", function () {
  this.timeout(20_000);

  for (const [name, run] of Object.entries(SCENARIOS))
    it(`${name}: text`, async () => {
      const { events, port } = await runScenario(run);
      expect(groupedEvents(maskedText(events, port))).to.deep.equal(groupedEvents(pinned(`${name}.txt`)));
    });

  for (const [name, run] of Object.entries(CLIENT_ONLY_SCENARIOS))
    it(`${name}: text (client side)`, async () => {
      const { events, port } = await runScenario(run);
      const client = events.filter((event) => event.side === "client");
      expect(groupedEvents(maskedText(client, port))).to.deep.equal(groupedEvents(pinned(`${name}.txt`)));
    });

  for (const name of ["unary-ok", "unary-status-details"])
    it(`${name}: JSON, one object per line`, async () => {
      const { events, port } = await runScenario(SCENARIOS[name]!);
      const json = maskedJson(events, port);
      for (const line of json.split("\n")) expect(() => JSON.parse(line), line).not.to.throw();
      expect(groupedJson(json)).to.deep.equal(groupedJson(pinned(`${name}.jsonl`)));
    });

  it("each event of a traced call carries the call's number and method; connection events their connection", async () => {
    const { events } = await runScenario(SCENARIOS["unary-ok"]!);
    for (const event of events) {
      if (event.layer === "connection" && event.name !== "pick" && event.name !== "resolve")
        expect(event.connection, event.name).to.be.a("number");
      if (event.call !== undefined) expect(event.method).to.equal("/test.Greeter/SayHello");
      expect(event.time).to.be.at.least(0);
    }
    const ends = events.filter((event) => event.name === "end").map((event) => `${event.side} ${String(event.data.codeName)}`);
    expect(ends.sort()).to.deep.equal(["client OK", "server OK"]);
  });
});

describe("trace: a call that fails before it is sent", () => {
  it("is traced too: start, then end with the status", async () => {
    const { events } = await runScenario(async (client) => {
      await client.sayHello({ name: "late" }, { deadline: Date.now() - 1000 }).catch(() => undefined);
      const controller = new AbortController();
      controller.abort();
      try {
        for await (const _ of client.chat([], { signal: controller.signal })) void _;
      } catch {
        // CANCELLED, as the trace says
      }
    });
    const calls = events.filter((event) => event.side === "client" && event.layer === "call");
    expect(calls.map((event) => `#${event.call} ${event.name} ${String(event.data.codeName ?? event.data.kind)}`)).to.deep.equal([
      "#1 start unary",
      "#1 end DEADLINE_EXCEEDED",
      "#2 start bidi_streaming",
      "#2 end CANCELLED",
    ]);
  });
});

describe("trace: compressed messages", () => {
  it("show flag 1, the encoding, and the decoded message on both sides", async () => {
    const { events } = await runScenario(
      async (client) => {
        await client.sayHello({ name: "zipped" }, { compression: "gzip" });
      },
      { responseCompression: "gzip" },
    );
    const messages = events
      .filter((event) => event.layer === "message")
      .map(
        (event) =>
          `${event.side} ${event.name} flag ${String(event.data.flag)} ${String(event.data.encoding)} ${formatValue(event.data.decoded)}`,
      );
    expect(messages.sort()).to.deep.equal([
      'client message-received flag 1 gzip { message: "Hello zipped", tag: <bytes 3: 010203> }',
      'client message-sent flag 1 gzip { name: "zipped" }',
      'server message-received flag 1 gzip { name: "zipped" }',
      'server message-sent flag 1 gzip { message: "Hello zipped", tag: <bytes 3: 010203> }',
    ]);
  });

  it("a message the codec cannot decode is traced with its bytes, and the call ends INTERNAL", async () => {
    const { events } = await runScenario(
      async (client) => {
        await client.sayHello({ name: "x" }, { compression: "gzip" }).catch(() => undefined);
      },
      {
        compressions: [
          {
            name: "gzip",
            compress: async (bytes: Uint8Array) => bytes,
            decompress: async () => {
              throw new Error("not gzip at all");
            },
          },
        ],
      },
    );
    const received = events.find((event) => event.side === "server" && event.name === "message-received");
    expect(received?.data).to.include({ flag: 1, encoding: "gzip" });
    expect(received?.data).not.to.have.property("decoded");
    expect(events.some((event) => event.side === "client" && event.name === "end" && event.data.code !== 0)).to.equal(true);
  });
});
