import { expect } from "chai";
import { EventEmitter } from "node:events";
import type { ClientHttp2Session } from "node:http2";
import { constants } from "node:http2";
import { Connection, type ConnectionTimers } from "../../../src/http2/client/connection.js";
import { Code, GrpcError } from "../../../src/status/index.js";

/** Just enough of a ClientHttp2Session for Connection; pings are answered only when `answerPings` is set. */
class FakeSession extends EventEmitter {
  remoteSettings: { maxConcurrentStreams?: number } = { maxConcurrentStreams: 2 };
  closed = false;
  destroyed = false;
  refs = 0;
  pings = 0;
  answerPings = true;
  pingAccepted = true;
  ref(): void {
    this.refs++;
  }
  unref(): void {
    this.refs--;
  }
  ping(callback: (error: Error | null) => void): boolean {
    if (!this.pingAccepted) return false;
    this.pings++;
    if (this.answerPings) setImmediate(() => callback(null));
    return true;
  }
  close(): void {
    this.closed = true;
    this.emit("close");
  }
  destroy(): void {
    this.destroyed = true;
    this.emit("close");
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connect({ keepaliveTimeMs, ...timers }: Partial<ConnectionTimers> & { keepaliveTimeMs?: number } = {}) {
  const session = new FakeSession();
  // The keepalive period is the owner's (the subchannel doubles it after too_many_pings).
  const owner = { gone: 0, pingStrikes: 0, keepaliveTimeMs, connectionGone: () => owner.gone++, tooManyPings: () => owner.pingStrikes++ };
  const connection = new Connection(session as unknown as ClientHttp2Session, owner as never, {
    keepaliveTimeoutMs: 20_000,
    keepalivePermitWithoutCalls: false,
    idleTimeoutMs: Infinity,
    ...timers,
  });
  return { session, owner, connection };
}

describe("http2/client-connection", () => {
  it("counts streams against the peer's max concurrent streams and refs the session only while busy", () => {
    const { session, connection } = connect();
    expect(connection.hasCapacity()).to.equal(true);
    connection.acquire();
    connection.acquire();
    expect(connection.hasCapacity()).to.equal(false);
    expect(session.refs).to.equal(0); // unref at start, ref on the first stream
    connection.release();
    connection.release();
    expect(session.refs).to.equal(-1);
    session.remoteSettings = {};
    expect(connection.hasCapacity()).to.equal(true);
  });

  it("stops taking streams after GOAWAY and reports too_many_pings", () => {
    const { session, owner, connection } = connect();
    session.emit("goaway", constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from("too_many_pings"));
    expect(connection.hasCapacity()).to.equal(false);
    expect(owner.pingStrikes).to.equal(1);
    expect(owner.gone).to.equal(1);
    expect(connection.closeReason?.code).to.equal(Code.Unavailable);
    expect(connection.closeReason?.statusMessage).to.match(/GOAWAY.*too_many_pings/);
  });

  it("keeps the first error as the close reason", () => {
    const { session, connection } = connect();
    session.emit("error", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    session.emit("close");
    expect(connection.closeReason).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
  });

  it("pings every keepaliveTimeMs while calls are active", async () => {
    const { session, connection } = connect({ keepaliveTimeMs: 10 });
    connection.acquire();
    await sleep(60);
    expect(session.pings).to.be.at.least(2);
    connection.close();
    expect(session.closed).to.equal(true);
  });

  it("does not ping without calls unless permitted", async () => {
    const idle = connect({ keepaliveTimeMs: 10 });
    await sleep(40);
    expect(idle.session.pings).to.equal(0);
    idle.connection.close();
    const permitted = connect({ keepaliveTimeMs: 10, keepalivePermitWithoutCalls: true });
    await sleep(40);
    expect(permitted.session.pings).to.be.at.least(1);
    permitted.connection.close();
  });

  it("drops the connection when a ping stays unanswered past keepaliveTimeoutMs", async () => {
    const { session, connection } = connect({ keepaliveTimeMs: 5, keepaliveTimeoutMs: 20, keepalivePermitWithoutCalls: true });
    session.answerPings = false;
    await sleep(60);
    expect(session.destroyed).to.equal(true);
    expect(connection.closeReason?.statusMessage).to.match(/^keepalive: no PING ack within 20 ms/);
  });

  it("re-arms when the session refuses to send a ping", async () => {
    const { session, connection } = connect({ keepaliveTimeMs: 5, keepalivePermitWithoutCalls: true });
    session.pingAccepted = false;
    await sleep(30);
    expect(session.destroyed).to.equal(false);
    connection.close();
  });

  it("closes after idleTimeoutMs without calls", async () => {
    const { session, connection } = connect({ idleTimeoutMs: 20 });
    connection.acquire();
    await sleep(40);
    expect(session.closed).to.equal(false);
    connection.release();
    await sleep(40);
    expect(session.closed).to.equal(true);
  });
});
