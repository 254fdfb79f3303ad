import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatTraceJson, formatTraceText, type TraceEvent } from "../../src/trace/index.js";
import { projectRoot } from "../project-root.js";
import { ATTEMPT_SCENARIOS, maskAttempts } from "./attempt-scenarios.js";
import { groupedEvents, groupedJson } from "./scenarios.js";

// The trace of calls with several attempts (gRFC A6 retries, hedging, server pushback), pinned in
// test/trace/pinned/attempt-*.txt and .jsonl: every attempt's start (with the
// grpc-previous-rpc-attempts it sends), its end with its status, the backoff or pushback delay
// chosen, why no further attempt starts, and the commit. Compared per side, call and layer, as
// the other pinned traces. After a deliberate change of the output: TSGRPC_PIN_WRITE=1 npx mocha
// --no-config dist/test/trace/attempt-traces.test.js
const PINNED = join(projectRoot(), "test", "trace", "pinned");
const WRITE = process.env.TSGRPC_PIN_WRITE === "1";

function shown(events: TraceEvent[], clientOnly: boolean): TraceEvent[] {
  return clientOnly ? events.filter((event) => event.side === "client") : events;
}

describe("trace: every attempt of a retried or hedged call (pinned)", function () {
  this.timeout(30_000);

  for (const [name, scenario] of Object.entries(ATTEMPT_SCENARIOS)) {
    it(`${name}: text`, async () => {
      const { events, port } = await scenario.run();
      const text = `${maskAttempts(
        shown(events, scenario.clientOnly)
          .map((event) => formatTraceText(event))
          .join("\n"),
        port,
      )}\n`;
      if (WRITE) writeFileSync(join(PINNED, `${name}.txt`), text);
      expect(groupedEvents(text)).to.deep.equal(groupedEvents(readFileSync(join(PINNED, `${name}.txt`), "utf8")));
    });
  }

  it("attempt-retried: JSON, one object per line", async () => {
    const { events, port } = await ATTEMPT_SCENARIOS["attempt-retried"]!.run();
    const json = `${maskAttempts(events.map((event) => formatTraceJson(event)).join("\n"), port)}\n`;
    if (WRITE) writeFileSync(join(PINNED, "attempt-retried.jsonl"), json);
    for (const line of json.trim().split("\n")) expect(() => JSON.parse(line), line).not.to.throw();
    expect(groupedJson(json)).to.deep.equal(groupedJson(readFileSync(join(PINNED, "attempt-retried.jsonl"), "utf8")));
  });

  it("docs/LAYERS.md shows the client side of attempt-retried as the tracer prints it", () => {
    const layers = readFileSync(join(projectRoot(), "docs", "LAYERS.md"), "utf8");
    const block = /<!-- attempt-trace: attempt-retried -->\n```text\n([\s\S]*?)\n```/.exec(layers)?.[1];
    expect(block, "the attempt-retried block of docs/LAYERS.md").to.be.a("string");
    const pinned = groupedEvents(readFileSync(join(PINNED, "attempt-retried.txt"), "utf8"));
    const clientOnly = Object.fromEntries(Object.entries(pinned).filter(([key]) => key.startsWith("client ")));
    expect(groupedEvents(maskAttempts(block!.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:50051"), 50051))).to.deep.equal(clientOnly);
  });

  it("each attempt's events: numbered from 1, grpc-previous-rpc-attempts as sent, one end each, one commit", async () => {
    const { events } = await ATTEMPT_SCENARIOS["attempt-retried"]!.run();
    const client = events.filter((event) => event.side === "client" && event.layer === "call");
    expect(client.map((event) => event.name)).to.deep.equal([
      "start",
      "attempt-start",
      "attempt-end",
      "retry-delay",
      "attempt-start",
      "attempt-end",
      "retry-delay",
      "attempt-start",
      "commit",
      "attempt-end",
      "end",
    ]);
    const starts = client.filter((event) => event.name === "attempt-start").map((event) => event.data);
    expect(starts).to.deep.equal([
      { attempt: 1, previousRpcAttempts: 0, transparent: false },
      { attempt: 2, previousRpcAttempts: 1, transparent: false },
      { attempt: 3, previousRpcAttempts: 2, transparent: false },
    ]);
    const sent = events.filter((event) => event.side === "client" && event.name === "headers-sent");
    expect(sent.map((event) => (event.data.headers as Record<string, unknown>)["grpc-previous-rpc-attempts"])).to.deep.equal([
      undefined,
      "1",
      "2",
    ]);
    for (const delay of client.filter((event) => event.name === "retry-delay")) expect(delay.data.delayMs).to.be.within(0, 10);
  });
});
