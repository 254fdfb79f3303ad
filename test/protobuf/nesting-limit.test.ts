// Decoding generated messages stops at 100 levels of sub-messages: a hostile, deeply nested
// request or response fails with INTERNAL "codec: message nesting deeper than 100 levels" on
// either side, fast, instead of exhausting the stack, and the process keeps serving.
import { expect } from "chai";
import { Channel, Code, createClient, GrpcError, Server } from "../../src/index.js";
import { defineService } from "../../src/service/index.js";
import { Value } from "../../src/wkt/index.js";

/**
 * A google.protobuf.Value whose innermost message sits `depth` sub-message levels below the
 * top: Value -> list_value (ListValue) -> values (Value) -> ... Built front to back in one pass.
 */
function nestedValue(depth: number): Uint8Array {
  const sizes = new Array<number>(depth + 1);
  sizes[depth] = 0;
  for (let level = depth - 1; level >= 0; level--) {
    const inner = sizes[level + 1]!;
    sizes[level] = 1 + varintSize(inner) + inner;
  }
  const out = new Uint8Array(sizes[0]!);
  let pos = 0;
  for (let level = 0; level < depth; level++) {
    // An even level is a Value (list_value = field 6, tag 50); an odd one a ListValue (values = field 1, tag 10).
    out[pos++] = level % 2 === 0 ? 50 : 10;
    let length = sizes[level + 1]!;
    while (length >= 0x80) {
      out[pos++] = (length & 0x7f) | 0x80;
      length >>>= 7;
    }
    out[pos++] = length;
  }
  return out;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value >>>= 7;
    size++;
  }
  return size;
}

const raw = { encode: (bytes: Uint8Array) => bytes, decode: (bytes: Uint8Array) => bytes };
/** The server's view: it decodes Value requests and answers raw bytes. */
const ServerSide = defineService("test.Deep", { call: { kind: "unary", requestCodec: Value, responseCodec: raw } });
/** The client's view: it sends raw bytes and decodes Value responses. */
const ClientSide = defineService("test.Deep", { call: { kind: "unary", requestCodec: raw, responseCodec: Value } });

async function rejection(call: Promise<unknown>): Promise<GrpcError> {
  try {
    await call;
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  throw new Error("the call succeeded");
}

describe("protobuf: message nesting limit", function () {
  this.timeout(60_000);

  it("decodes 100 levels and rejects 101 with a message naming the limit", () => {
    expect(Value.decode(nestedValue(100)).kind.case).to.equal("listValue");
    expect(() => Value.decode(nestedValue(101)))
      .to.throw(GrpcError, /codec: message nesting deeper than 100 levels/)
      .with.property("code", Code.Internal);
  });

  it("rejects 200,000 levels without overflowing the stack, and the reader recovers for the next decode", () => {
    const deep = nestedValue(200_000);
    expect(deep.length).to.be.below(4 * 2 ** 20);
    expect(() => Value.decode(deep)).to.throw(GrpcError, /nesting deeper than 100 levels/);
    expect(Value.decode(nestedValue(100)).kind.case).to.equal("listValue");
  });

  describe("over a call", () => {
    let server: Server;
    let channel: Channel;
    let client: any;
    let answer: Uint8Array;
    let handled: unknown[];

    beforeEach(async () => {
      handled = [];
      server = new Server();
      server.add(ServerSide, {
        call: (request: unknown) => {
          handled.push(request);
          return answer;
        },
      });
      const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
      channel = new Channel(`127.0.0.1:${port}`);
      client = createClient(ClientSide, channel);
    });

    afterEach(async () => {
      channel.close();
      await server.shutdown();
    });

    it("the server answers a request nested 101 and 200,000 levels deep with INTERNAL and keeps serving", async () => {
      answer = nestedValue(0);
      for (const depth of [101, 200_000]) {
        const error = await rejection(client.call(nestedValue(depth), { timeoutMs: 30_000 }));
        expect(error.code).to.equal(Code.Internal);
        expect(error.message).to.match(/nesting deeper than 100 levels/);
      }
      expect(handled).to.have.length(0);
      expect(await client.call(nestedValue(100), { timeoutMs: 30_000 })).to.deep.equal({ kind: { case: undefined } });
      expect(handled).to.have.length(1);
    });

    it("the client fails a response nested 101 and 200,000 levels deep with INTERNAL and keeps working", async () => {
      for (const depth of [101, 200_000]) {
        answer = nestedValue(depth);
        const error = await rejection(client.call(new Uint8Array(0), { timeoutMs: 30_000 }));
        expect(error.code).to.equal(Code.Internal);
        expect(error.message).to.match(/nesting deeper than 100 levels/);
      }
      answer = nestedValue(100);
      const value = await client.call(new Uint8Array(0), { timeoutMs: 30_000 });
      expect(value.kind.case).to.equal("listValue");
    });
  });
});
