// A generated service served by our Server and called by our client: the four call kinds, with
// plain-object messages in and complete messages out.
import { expect } from "chai";
import { Channel, Code, GrpcError, Server, createClient } from "../../src/index.js";
import { Color, Shop, type Error$, type Shapes } from "./golden/demo/v1/shapes_pb.js";

async function* from<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

describe("gen: a generated service end to end", () => {
  let server: Server;
  let channel: Channel;

  beforeEach(async () => {
    server = new Server();
    server.add(Shop, {
      getItem(request) {
        if (request.aInt32 < 0) throw new GrpcError(Code.InvalidArgument, "negative");
        return { packedInts: [request.aInt32], choice: { case: "number", value: request.aInt64 }, single: { aString: request.aString } };
      },
      async *listItems(request) {
        for (let i = 0; i < request.aInt32; i++) yield { maybe: i };
      },
      async upload(requests) {
        let count = 0;
        for await (const request of requests) count += request.packedInts.length;
        if (count === 0) throw new GrpcError(Code.FailedPrecondition, "nothing uploaded");
        return {};
      },
      async *chat(requests) {
        for await (const request of requests) {
          const reply: { object: { constructor$: string } } = { object: { constructor$: request.constructor$.toUpperCase() } };
          yield reply;
        }
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    channel = new Channel(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    channel.close();
    await server.forceShutdown();
  });

  it("unary: sends a partial message and receives a complete one", async () => {
    const shop = createClient(Shop, channel);
    const reply: Shapes = await shop.getItem({ aInt32: 5, aInt64: 2n ** 62n, aString: "hat" });
    expect(reply.packedInts).to.deep.equal([5]);
    expect(reply.choice).to.deep.equal({ case: "number", value: 2n ** 62n });
    expect(reply.single?.aString).to.equal("hat");
    expect(reply.colors).to.deep.equal([]);
    expect(reply.nested).to.equal(undefined);
    try {
      await shop.getItem({ aInt32: -1 });
      expect.fail("no error");
    } catch (error) {
      expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.InvalidArgument);
    }
  });

  it("server streaming, client streaming and bidi streaming", async () => {
    const shop = createClient(Shop, channel);
    const items: (number | undefined)[] = [];
    for await (const item of shop.listItems({ aInt32: 3 })) items.push(item.maybe);
    expect(items).to.deep.equal([0, 1, 2]);

    expect(await shop.upload(from([{ packedInts: [1, 2] }, { colors: [Color.COLOR_RED] }]))).to.deep.equal({});

    const replies: Error$[] = [];
    for await (const reply of shop.chat(from([{ constructor$: "a" }, { constructor$: "b" }]))) replies.push(reply);
    expect(replies.map((reply) => reply.object?.constructor$)).to.deep.equal(["A", "B"]);
    expect(replies[0]?.causes).to.deep.equal([]);
  });
});
