import { expect } from "chai";
import { MessageCounter } from "../../../bench/lib/message-counter.js";
import { frameMessage, repeatFrame } from "../../../bench/lib/messages.js";

describe("bench MessageCounter", () => {
  const body = Buffer.concat([
    frameMessage(new Uint8Array(0)),
    repeatFrame(frameMessage(new Uint8Array(300)), 3),
    frameMessage(new Uint8Array(1)),
  ]);
  it("counts messages in one chunk", () => {
    const counter = new MessageCounter();
    counter.push(body);
    expect(counter.count).to.equal(5);
  });
  it("counts messages fed byte by byte, calling back once per message", () => {
    let calls = 0;
    const counter = new MessageCounter(() => calls++);
    const seen: number[] = [];
    for (const byte of body) {
      counter.push(Uint8Array.of(byte));
      seen.push(counter.count);
    }
    expect([counter.count, calls]).to.deep.equal([5, 5]);
    expect(seen[4]).to.equal(1); // the empty message completes with its header
    expect(seen[seen.length - 2]).to.equal(4); // the last message needs its last byte
  });
  it("does not count a message cut short", () => {
    const counter = new MessageCounter();
    counter.push(frameMessage(new Uint8Array(10)).subarray(0, 14));
    expect(counter.count).to.equal(0);
  });
});
