import { expect } from "chai";
import { MAX_TIMER_MS } from "../../src/deadline/deadline.js";
import { deadlineSignal, type Clock } from "../../src/deadline/deadline-signal.js";
import { Code } from "../../src/status/code.js";
import { GrpcError } from "../../src/status/grpc-error.js";

/** A clock whose time moves only when a test says so; timers fire in order of their due time. */
class FakeClock implements Clock {
  time = 0;
  delays: number[] = [];
  private timers = new Map<number, { due: number; callback: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    this.delays.push(ms);
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward to `time`, firing due timers (and ones they arm) on the way. */
  advanceTo(time: number): void {
    for (;;) {
      let next: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].due <= time && (next === undefined || entry[1].due < next[1].due)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].due;
      next[1].callback();
    }
    this.time = time;
  }
}

const DAY_MS = 24 * 3_600_000;

describe("deadlineSignal", () => {
  it("is already aborted with DEADLINE_EXCEEDED for a past deadline", () => {
    const clock = new FakeClock();
    clock.time = 1_000;
    const { signal } = deadlineSignal(999, clock);
    expect(signal.aborted).to.equal(true);
    expect(signal.reason).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
    expect((signal.reason as GrpcError).statusMessage).to.match(/^deadline: exceeded/);
    expect(clock.pending).to.equal(0);
  });

  it("aborts exactly at the deadline, not before", () => {
    const clock = new FakeClock();
    const { signal } = deadlineSignal(100, clock);
    clock.advanceTo(99);
    expect(signal.aborted).to.equal(false);
    clock.advanceTo(100);
    expect(signal.aborted).to.equal(true);
    expect(signal.reason).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
  });

  it("rounds a fractional wait up, so it never fires early", () => {
    const clock = new FakeClock();
    void deadlineSignal(10.2, clock).signal;
    expect(clock.delays).to.deep.equal([11]);
  });

  it("re-arms when a timer fires before the deadline (a clock that ran slow)", () => {
    const clock = new FakeClock();
    const { signal } = deadlineSignal(100, clock);
    // The timer comes due at 100, but the time it reads says 60 (e.g. the wall clock was set back).
    const original = clock.now.bind(clock);
    clock.now = () => 60;
    clock.advanceTo(100);
    expect(signal.aborted).to.equal(false);
    expect(clock.delays).to.deep.equal([100, 40]);
    clock.now = original;
    clock.advanceTo(140);
    expect(signal.aborted).to.equal(true);
  });

  for (const days of [25, 30, 365])
    it(`clamps each timer to 2^31-1 ms and still fires a ${days}-day deadline on time`, () => {
      const clock = new FakeClock();
      const deadline = days * DAY_MS;
      const { signal } = deadlineSignal(deadline, clock);
      expect(clock.delays[0]).to.equal(MAX_TIMER_MS);
      clock.advanceTo(deadline - 1);
      expect(signal.aborted).to.equal(false);
      for (const delay of clock.delays) expect(delay).to.be.at.most(MAX_TIMER_MS);
      clock.advanceTo(deadline);
      expect(signal.aborted).to.equal(true);
      expect(clock.delays.length).to.equal(Math.ceil(deadline / MAX_TIMER_MS));
    });

  it("creates no signal and arms no timer until the signal is asked for", () => {
    const clock = new FakeClock();
    const deadline = deadlineSignal(100, clock);
    expect(clock.pending).to.equal(0);
    const signal = deadline.signal;
    expect(clock.pending).to.equal(1);
    expect(deadline.signal).to.equal(signal);
    expect(clock.pending).to.equal(1);
    deadline.dispose();
  });

  it("after dispose, a signal asked for arms no timer but still reports a deadline already past", () => {
    const clock = new FakeClock();
    const deadline = deadlineSignal(100, clock);
    deadline.dispose();
    expect(deadline.signal.aborted).to.equal(false);
    expect(clock.pending).to.equal(0);
    const late = deadlineSignal(100, clock);
    late.dispose();
    clock.advanceTo(200);
    expect(late.signal.aborted).to.equal(true);
  });

  it("never arms a timer for an infinite deadline", () => {
    const clock = new FakeClock();
    const { signal } = deadlineSignal(Infinity, clock);
    expect(clock.pending).to.equal(0);
    expect(signal.aborted).to.equal(false);
  });

  it("is aborted at once for -Infinity", () => expect(deadlineSignal(-Infinity, new FakeClock()).signal.aborted).to.equal(true));

  it("dispose clears the timer, so the signal never aborts", () => {
    const clock = new FakeClock();
    const { signal, dispose } = deadlineSignal(100, clock);
    dispose();
    dispose();
    expect(clock.pending).to.equal(0);
    clock.advanceTo(1_000);
    expect(signal.aborted).to.equal(false);
  });

  it("rejects NaN with a RangeError", () => expect(() => deadlineSignal(NaN)).to.throw(RangeError));

  describe("with the real clock", () => {
    it("aborts with DEADLINE_EXCEEDED after a short deadline", async () => {
      const { signal, dispose } = deadlineSignal(Date.now() + 20);
      try {
        const reason = await new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));
        expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
      } finally {
        dispose();
      }
    });

    it("does not fire a 30-day deadline at once (Node's overflow to 1 ms)", async () => {
      const { signal, dispose } = deadlineSignal(Date.now() + 30 * DAY_MS);
      try {
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(signal.aborted).to.equal(false);
      } finally {
        dispose();
      }
    });
  });
});
