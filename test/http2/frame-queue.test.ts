import { expect } from "chai";
import { encodeFrame, type Frame } from "../../src/framing/index.js";
import { DEFAULT_HIGH_WATER_BYTES, FrameQueue, SINGLE_MESSAGE, type FrameWaiter, type SingleFrameConsumer } from "../../src/http2/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { concat } from "../pipeline/helpers.js";

/** A FlowControl that records the calls it gets. */
class Flow {
  calls: string[] = [];
  paused = false;
  pause(): void {
    this.calls.push("pause");
    this.paused = true;
  }
  resume(): void {
    this.calls.push("resume");
    this.paused = false;
  }
}

/** A FrameWaiter that records how it was called back (it must be called at most once). */
class Waiter implements FrameWaiter {
  events: (string | Frame | GrpcError)[] = [];
  onFrame(frame: Frame): void {
    this.events.push(frame);
  }
  onEnd(): void {
    this.events.push("end");
  }
  onReadError(error: GrpcError): void {
    this.events.push(error);
  }
}

/** A SingleFrameConsumer that records how it was called back. */
class Consumer implements SingleFrameConsumer {
  events: (Frame[] | GrpcError)[] = [];
  onFrames(frames: Frame[]): void {
    this.events.push([...frames]);
  }
  onReadError(error: GrpcError): void {
    this.events.push(error);
  }
}

function message(text: string, compressed = false): Uint8Array {
  return encodeFrame(new TextEncoder().encode(text), compressed);
}

function text(frame: Frame | undefined): string | undefined {
  return frame === undefined ? undefined : new TextDecoder().decode(frame.payload);
}

/** Every way to cut `bytes` in two, plus one byte at a time. */
function splits(bytes: Uint8Array): [string, Uint8Array[]][] {
  const cases: [string, Uint8Array[]][] = [["whole", [bytes]]];
  for (let cut = 1; cut < bytes.length; cut++) cases.push([`cut at ${cut}`, [bytes.subarray(0, cut), bytes.subarray(cut)]]);
  cases.push(["byte by byte", Array.from(bytes, (_, index) => bytes.subarray(index, index + 1))]);
  return cases;
}

function takeAllText(queue: FrameQueue): string[] {
  const texts: string[] = [];
  for (let frame = queue.take(); frame !== undefined; frame = queue.take()) texts.push(text(frame)!);
  return texts;
}

function expectError(event: unknown, code: Code): void {
  expect(event).to.be.instanceOf(GrpcError).with.property("code", code);
}

describe("FrameQueue", () => {
  describe("streaming reads", () => {
    const stream = concat(message("one"), message(""), message("three", true));
    for (const [name, chunks] of splits(stream))
      it(`frames messages split ${name}`, () => {
        const queue = new FrameQueue(new Flow(), 100);
        for (const chunk of chunks) queue.push(chunk);
        queue.end();
        expect(queue.length).to.equal(3);
        const frames = [queue.take(), queue.take(), queue.take()];
        expect(frames.map(text)).to.deep.equal(["one", "", "three"]);
        expect(frames.map((frame) => frame!.compressed)).to.deep.equal([false, false, true]);
        expect(queue.take()).to.equal(undefined);
      });

    it("take() returns a queued frame synchronously", () => {
      const queue = new FrameQueue(new Flow(), 100);
      queue.push(message("a"));
      expect(text(queue.take())).to.equal("a");
      expect(queue.take()).to.equal(undefined);
    });

    it("hands the next frame straight to a waiter, exactly once", () => {
      const queue = new FrameQueue(new Flow(), 100);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      queue.push(concat(message("a"), message("b")));
      queue.end();
      expect(waiter.events.map((event) => text(event as Frame))).to.deep.equal(["a"]);
      expect(takeAllText(queue)).to.deep.equal(["b"]);
    });

    it("tells a waiter the end once every frame was taken, at once if already ended", () => {
      const queue = new FrameQueue(new Flow(), 100);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      queue.end();
      queue.end();
      expect(waiter.events).to.deep.equal(["end"]);
      const late = new Waiter();
      queue.waitForFrame(late);
      expect(late.events).to.deep.equal(["end"]);
    });

    it("does not call a waiter back for a chunk that completes no frame", () => {
      const queue = new FrameQueue(new Flow(), 100);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      queue.push(message("abc").subarray(0, 6));
      expect(waiter.events).to.deep.equal([]);
      queue.push(message("abc").subarray(6));
      expect(waiter.events.map((event) => text(event as Frame))).to.deep.equal(["abc"]);
    });
  });

  describe("backpressure", () => {
    const payload = new Uint8Array(16 * 1024);
    const frame = encodeFrame(payload);

    it("pauses at high water and resumes once drained to half of it", () => {
      const flow = new Flow();
      const queue = new FrameQueue(flow, Infinity);
      let pushed = 0;
      while (!flow.paused) {
        queue.push(frame);
        pushed++;
        expect(pushed).to.be.below(100);
      }
      expect(flow.calls).to.deep.equal(["pause"]);
      expect(queue.length * payload.length).to.be.at.least(DEFAULT_HIGH_WATER_BYTES - 1024);
      // Still paused until the queue is down to half of the high water.
      queue.take();
      expect(flow.calls).to.deep.equal(["pause"]);
      while (queue.take() !== undefined);
      expect(flow.calls).to.deep.equal(["pause", "resume"]);
      queue.push(frame);
      expect(flow.calls).to.deep.equal(["pause", "resume"]);
    });

    it("pauses on a flood of empty messages too", () => {
      const flow = new Flow();
      const queue = new FrameQueue(flow, 100, 4096);
      const empty = encodeFrame(new Uint8Array(0));
      for (let index = 0; index < 100; index++) queue.push(empty);
      expect(flow.calls).to.deep.equal(["pause"]);
    });

    it("a frame handed to a waiter does not count", () => {
      const flow = new Flow();
      const queue = new FrameQueue(flow, Infinity, 20 * 1024);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      queue.push(frame);
      expect(waiter.events).to.have.length(1);
      expect(flow.calls).to.deep.equal([]);
    });

    for (const [name, end] of [
      ["fail()", (queue: FrameQueue) => queue.fail(new GrpcError(Code.Cancelled, "cancelled"))],
      ["abort()", (queue: FrameQueue) => queue.abort(new GrpcError(Code.Cancelled, "cancelled"))],
      ["stop()", (queue: FrameQueue) => queue.stop()],
    ] as const)
      it(`resumes a paused stream on ${name}, and drops what arrives after`, () => {
        const flow = new Flow();
        const queue = new FrameQueue(flow, Infinity, 20 * 1024);
        queue.push(frame);
        queue.push(frame);
        expect(flow.calls).to.deep.equal(["pause"]);
        end(queue);
        expect(flow.calls).to.deep.equal(["pause", "resume"]);
        const before = queue.length;
        queue.push(frame);
        expect(queue.length).to.equal(before);
      });

    it("is never paused when reading a single message", () => {
      const flow = new Flow();
      const queue = new FrameQueue(flow, Infinity, SINGLE_MESSAGE);
      for (let index = 0; index < 10; index++) queue.push(frame);
      expect(flow.calls).to.deep.equal([]);
    });
  });

  describe("errors", () => {
    it("a framing error ends the read: a waiter gets it once, later data is dropped", () => {
      const queue = new FrameQueue(new Flow(), 100);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      queue.push(Uint8Array.of(2, 0, 0, 0, 0));
      queue.push(message("late"));
      queue.end();
      expect(waiter.events).to.have.length(1);
      expectError(waiter.events[0], Code.Internal);
      expectError(queue.failure, Code.Internal);
      expect(queue.take()).to.equal(undefined);
    });

    it("a message over the limit is RESOURCE_EXHAUSTED as soon as its prefix arrives", () => {
      const queue = new FrameQueue(new Flow(), 4);
      queue.push(message("hello").subarray(0, 5));
      expectError(queue.failure, Code.ResourceExhausted);
    });

    it("frames queued before a framing error are taken first, then the error", () => {
      const queue = new FrameQueue(new Flow(), 100);
      queue.push(message("ok"));
      queue.push(Uint8Array.of(7, 0, 0, 0, 0));
      expect(takeAllText(queue)).to.deep.equal(["ok"]);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      expectError(waiter.events[0], Code.Internal);
    });

    const cut = message("cut");
    for (let received = 1; received < cut.length; received++)
      for (const highWaterBytes of [DEFAULT_HIGH_WATER_BYTES, SINGLE_MESSAGE])
        it(`a message cut short at the end is INTERNAL (${received} of ${cut.length} bytes, ${highWaterBytes === SINGLE_MESSAGE ? "single" : "streaming"})`, () => {
          const queue = new FrameQueue(new Flow(), 100, highWaterBytes);
          for (let index = 0; index < received; index++) queue.push(cut.subarray(index, index + 1));
          queue.end();
          expectError(queue.failure, Code.Internal);
          expect(queue.take()).to.equal(undefined);
        });

    it("a stream closed before END_STREAM (abort) drops the queued frames and reports the reason", () => {
      const queue = new FrameQueue(new Flow(), 100);
      queue.push(message("unread"));
      queue.abort(new GrpcError(Code.Cancelled, "peer reset"));
      expect(queue.take()).to.equal(undefined);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      expectError(waiter.events[0], Code.Cancelled);
    });

    it("abort() after END_STREAM changes nothing", () => {
      const queue = new FrameQueue(new Flow(), 100);
      queue.push(message("a"));
      queue.end();
      queue.abort(new GrpcError(Code.Cancelled, "peer reset"));
      expect(queue.failure).to.equal(undefined);
      expect(takeAllText(queue)).to.deep.equal(["a"]);
    });

    it("fail() keeps the queued frames and wakes a waiter once", () => {
      const queue = new FrameQueue(new Flow(), 100);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      queue.fail(new GrpcError(Code.Unavailable, "gone"));
      queue.fail(new GrpcError(Code.Internal, "second"));
      expect(waiter.events).to.have.length(1);
      expectError(waiter.events[0], Code.Unavailable);
      expectError(queue.failure, Code.Unavailable);
    });

    it("stop() drops the queued frames and tells a waiter the end", () => {
      const queue = new FrameQueue(new Flow(), 100);
      queue.push(message("a"));
      queue.stop();
      expect(queue.take()).to.equal(undefined);
      const waiter = new Waiter();
      queue.waitForFrame(waiter);
      expect(waiter.events).to.deep.equal(["end"]);
      queue.abort(new GrpcError(Code.Cancelled, "after stop"));
      expectError(queue.failure, Code.Cancelled);
    });
  });

  describe("single-message reads", () => {
    for (const [name, chunks] of splits(message("only")))
      it(`hands one message to the consumer at the end (${name})`, () => {
        const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
        const consumer = new Consumer();
        queue.readSingle(consumer);
        for (const chunk of chunks) queue.push(chunk);
        expect(consumer.events).to.deep.equal([]);
        queue.end();
        expect(consumer.events).to.have.length(1);
        expect((consumer.events[0] as Frame[]).map(text)).to.deep.equal(["only"]);
      });

    it("a request with no message gives the consumer no frames", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      queue.end();
      const consumer = new Consumer();
      queue.readSingle(consumer);
      expect(consumer.events).to.deep.equal([[]]);
    });

    for (const [name, chunks] of splits(concat(message("one"), message("two"))))
      it(`calls the consumer as soon as a second frame arrives (${name})`, () => {
        const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
        const consumer = new Consumer();
        queue.readSingle(consumer);
        for (const chunk of chunks) queue.push(chunk);
        expect(consumer.events).to.have.length(1);
        expect((consumer.events[0] as Frame[]).map(text)).to.deep.equal(["one", "two"]);
        queue.end();
        expect(consumer.events).to.have.length(1);
      });

    it("a consumer that comes after the second frame is called at once", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      queue.push(concat(message("one"), message("two"), message("three")));
      expect(queue.length).to.equal(3);
      const consumer = new Consumer();
      queue.readSingle(consumer);
      expect((consumer.events[0] as Frame[]).length).to.be.greaterThan(1);
    });

    it("the prefix is checked before END_STREAM: a bad flag fails at once", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      const consumer = new Consumer();
      queue.readSingle(consumer);
      for (const byte of [5, 0, 0, 0, 1]) queue.push(Uint8Array.of(byte));
      expect(consumer.events).to.have.length(1);
      expectError(consumer.events[0], Code.Internal);
    });

    it("the prefix is checked before END_STREAM: an oversized length fails at once", () => {
      const queue = new FrameQueue(new Flow(), 3, SINGLE_MESSAGE);
      queue.push(message("four").subarray(0, 5));
      expectError(queue.failure, Code.ResourceExhausted);
      const consumer = new Consumer();
      queue.readSingle(consumer);
      expectError(consumer.events[0], Code.ResourceExhausted);
    });

    it("a message cut short at the end is INTERNAL", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      const consumer = new Consumer();
      queue.readSingle(consumer);
      queue.push(message("cut").subarray(0, 6));
      queue.end();
      expect(consumer.events).to.have.length(1);
      expectError(consumer.events[0], Code.Internal);
    });

    it("a stream closed first reports the reason", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      const consumer = new Consumer();
      queue.readSingle(consumer);
      queue.push(message("whole"));
      queue.abort(new GrpcError(Code.Cancelled, "peer reset"));
      queue.end();
      expect(consumer.events).to.have.length(1);
      expectError(consumer.events[0], Code.Cancelled);
    });

    it("takeAll() returns the frames of an ended read", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      queue.push(message("only"));
      queue.end();
      expect(queue.takeAll().map(text)).to.deep.equal(["only"]);
      expect(queue.takeAll()).to.deep.equal([]);
    });

    it("a message arriving whole is a view of its chunk (no copy)", () => {
      const queue = new FrameQueue(new Flow(), 100, SINGLE_MESSAGE);
      const chunk = message("view");
      queue.push(chunk);
      queue.end();
      expect(queue.takeAll()[0]!.payload.buffer).to.equal(chunk.buffer);
    });
  });
});
