import { expect } from "chai";
import { Channel } from "../../src/client/index.js";
import { Server } from "../../src/server/index.js";
import { type TraceEvent, createTraceWriter, resolveTracer, runTraced, tracerFromEnvironment } from "../../src/trace/index.js";

/** An output that keeps what is written. */
function capture(isTTY = false): { write(text: string): void; isTTY: boolean; text: string } {
  return {
    isTTY,
    text: "",
    write(text: string) {
      this.text += text;
    },
  };
}

const EVENT: TraceEvent = {
  time: 1.5,
  side: "client",
  layer: "message",
  name: "message-sent",
  call: 1,
  method: "/a.B/C",
  data: { index: 1, flag: 0, length: 2, encoding: "identity", hex: "0801", decoded: { id: 1n } },
};

describe("trace: TSGRPC_TRACE and TSGRPC_TRACE_FORMAT", () => {
  it("unset, empty or off: no tracer", () => {
    for (const value of [undefined, "", "off", "0"]) expect(tracerFromEnvironment({ TSGRPC_TRACE: value })).to.equal(undefined);
  });

  it("a filter: a tracer with that filter", () => {
    const tracer = tracerFromEnvironment({ TSGRPC_TRACE: "server,/a.B/*" })!;
    expect(tracer.filter).to.deep.equal({ sides: ["server"], layers: [], methods: ["/a.B/*"] });
    expect(tracer.startCall("client", "/a.B/C")).to.equal(undefined);
    expect(tracer.startCall("server", "/x.Y/Z")).to.equal(undefined);
    expect(tracer.startCall("server", "/a.B/C")).not.to.equal(undefined);
  });

  it("a bad filter: a warning naming the word, and no tracing (never a crash)", () => {
    const warnings = capture();
    expect(tracerFromEnvironment({ TSGRPC_TRACE: "clinet" }, warnings)).to.equal(undefined);
    expect(warnings.text).to.match(/^tsgrpc: TSGRPC_TRACE ignored, tracing stays off: trace: unknown word "clinet"/);
  });

  it("an unknown format: a warning, and text", () => {
    const warnings = capture();
    expect(tracerFromEnvironment({ TSGRPC_TRACE: "*", TSGRPC_TRACE_FORMAT: "xml" }, warnings)).not.to.equal(undefined);
    expect(warnings.text).to.contain('TSGRPC_TRACE_FORMAT "xml" is not "text" or "json"');
  });
});

describe("trace: the trace option", () => {
  it("false, or a filter that is off: no tracer", () => {
    expect(resolveTracer(false)).to.equal(undefined);
    expect(resolveTracer("off")).to.equal(undefined);
    expect(resolveTracer({ filter: "none" })).to.equal(undefined);
  });

  it("a function is the sink of every event", () => {
    const events: TraceEvent[] = [];
    const tracer = resolveTracer((event) => events.push(event))!;
    tracer.startCall("client", "/a.B/C")!.emit("call", "start", { kind: "unary" });
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ side: "client", layer: "call", name: "start", call: 1, method: "/a.B/C" });
  });

  it("the filter's layers narrow a call's events", () => {
    const events: TraceEvent[] = [];
    const tracer = resolveTracer({ filter: "message", sink: (event) => events.push(event) })!;
    const trace = tracer.startCall("server", "/a.B/C")!;
    trace.emit("call", "start", {});
    trace.messageReceived(false, new Uint8Array([8, 1]), undefined, { id: 1 });
    expect(events.map((event) => event.name)).to.deep.equal(["message-received"]);
  });

  it("a sink that throws loses its event, never the call", () => {
    const tracer = resolveTracer(() => {
      throw new Error("broken tool");
    })!;
    expect(() => tracer.startCall("client", "/a.B/C")!.end(undefined)).not.to.throw();
  });

  it("an object with output and format writes JSON lines there", () => {
    const output = capture();
    const tracer = resolveTracer({ output, format: "json" })!;
    tracer.emit(EVENT);
    expect(JSON.parse(output.text)).to.deep.include({ side: "client", call: 1, name: "message-sent" });
    expect(JSON.parse(output.text).data.decoded).to.deep.equal({ id: "1" });
  });

  it("misuse is an error at once: a bad filter, a bad format, a bad type", () => {
    expect(() => new Channel("127.0.0.1:1", { trace: "verbose" })).to.throw(RangeError, /trace: unknown word "verbose"/);
    // @ts-expect-error -- format is "text" or "json"
    expect(() => new Server({ trace: { format: "yaml" } })).to.throw(RangeError, /trace: format must be "text" or "json"/);
    // @ts-expect-error -- not a trace option
    expect(() => new Server({ trace: 42 })).to.throw(TypeError, /trace: the trace option is/);
    // @ts-expect-error -- a logger needs all four methods
    expect(() => new Server({ logger: { error() {} } })).to.throw(TypeError, /trace: the logger option needs error, warn, info and debug/);
  });
});

describe("trace: createTraceWriter", () => {
  const noColor = process.env.NO_COLOR;
  afterEach(() => {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  });

  it("text without colours when the output is not a terminal", () => {
    const output = capture(false);
    createTraceWriter(output)(EVENT);
    expect(output.text).to.equal(
      "client #1       +1.500ms  message    > message 1: flag 0, 2 bytes, identity, 0801\n      { id: 1n }\n".replace(
        "client #1       +1.500ms",
        `${"client #1".padEnd(12)} ${"+1.500ms".padStart(11)}`,
      ),
    );
  });

  it("colours on a terminal, unless NO_COLOR is set", () => {
    delete process.env.NO_COLOR;
    const tty = capture(true);
    createTraceWriter(tty)(EVENT);
    expect(tty.text).to.contain("\u001b[");
    process.env.NO_COLOR = "1";
    const plain = capture(true);
    createTraceWriter(plain)(EVENT);
    expect(plain.text).not.to.contain("\u001b[");
  });
});

describe("trace: runTraced (for the tsgrpc trace subcommand)", () => {
  it("hands run a trace option whose events go to the output", async () => {
    const output = capture();
    const result = await runTraced(
      async (trace) => {
        resolveTracer(trace)!.emit(EVENT);
        return 42;
      },
      { output, format: "json" },
    );
    expect(result).to.equal(42);
    expect(JSON.parse(output.text)).to.include({ name: "message-sent" });
  });
});
