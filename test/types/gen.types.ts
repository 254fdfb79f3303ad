// Type tests of generated code (test/gen/golden, from test/gen/protos): the four mistakes a new
// user plants (wrong field name, wrong field type, unknown method, wrong handler shape) are
// compile errors; handlers and clients are typed per call kind; decoded messages are complete
// and what is sent may leave fields out.
import { Server, createClient, type Channel, type Service } from "../../src/index.js";
import {
  Color,
  Scalars,
  Shapes,
  Shop,
  type Error$,
  type Nothing,
  type ScalarsInput,
  type ShapesInput,
} from "../gen/golden/demo/v1/shapes_pb.js";
import { expectTrue, type Equal } from "./assert.js";

async function* from<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export async function plantedMistakes(channel: Channel): Promise<void> {
  const shop = createClient(Shop, channel);
  // 1. A wrong field name.
  // @ts-expect-error aInt33 is not a field of demo.v1.Scalars
  await shop.getItem({ aInt33: 5 });
  // 2. A wrong field type.
  // @ts-expect-error aInt32 is a number
  await shop.getItem({ aInt32: "5" });
  // @ts-expect-error 64-bit integers are bigint
  await shop.getItem({ aInt64: 5 });
  // 3. An unknown method.
  // @ts-expect-error Shop has no method getItems
  await shop.getItems({});

  const server = new Server();
  server.add(Shop, {
    getItem: (request) => ({ packedInts: [request.aInt32] }),
    listItems: async function* () {},
    upload: async () => ({}),
    chat: async function* () {},
    // @ts-expect-error an unknown method name in a service implementation
    getItems: () => ({}),
  });
  // 4. A wrong handler shape: a unary handler that streams, a streaming one that returns a message.
  server.add(Shop, {
    // @ts-expect-error getItem is unary: it returns one message, not a stream
    getItem: async function* () {
      yield {};
    },
    // @ts-expect-error listItems streams: it cannot return one message
    listItems: async () => ({}),
    upload: async () => ({}),
    chat: async function* () {},
  });
  server.add(Shop, {
    // @ts-expect-error a reply field of the wrong type
    getItem: () => ({ packedInts: ["1"] }),
    listItems: async function* () {},
    upload: async () => ({}),
    chat: async function* () {},
  });
  // A missing method is a compile error too (add the service as a plain Service to leave methods out: they answer UNIMPLEMENTED).
  // @ts-expect-error chat has no handler
  server.add(Shop, { getItem: () => ({}), listItems: async function* () {}, upload: async () => ({}) });
  server.add(Shop as Service, { getItem: () => ({}) });
}

export async function typedShapes(channel: Channel): Promise<void> {
  const shop = createClient(Shop, channel);
  // Clients send partial inputs and receive complete messages.
  const reply = await shop.getItem({ aString: "only this" });
  expectTrue<Equal<typeof reply, Shapes>>();
  expectTrue<Equal<typeof reply.packedInts, number[]>>();
  expectTrue<Equal<typeof reply.packedSint64s, bigint[]>>();
  expectTrue<Equal<typeof reply.byName, { [key: string]: number }>>();
  expectTrue<Equal<typeof reply.maybe, number | undefined>>();
  expectTrue<Equal<typeof reply.single, Scalars | undefined>>();
  expectTrue<Equal<typeof reply.colors, Color[]>>();
  if (reply.choice.case === "number") expectTrue<Equal<typeof reply.choice.value, bigint>>();
  if (reply.choice.case === "scalars") expectTrue<Equal<typeof reply.choice.value, Scalars>>();
  if (reply.choice.case === undefined) expectTrue<Equal<typeof reply.choice.value, undefined>>();
  for await (const item of shop.listItems({})) expectTrue<Equal<typeof item, Shapes>>();
  const nothing = await shop.upload(from<ShapesInput>([{ packedInts: [1] }]));
  expectTrue<Equal<typeof nothing, Nothing>>();
  for await (const item of shop.chat(from([{ constructor$: "x" }]))) expectTrue<Equal<typeof item, Error$>>();

  // Handlers receive complete messages and may return partial ones.
  new Server().add(Shop, {
    getItem(request) {
      expectTrue<Equal<typeof request, Scalars>>();
      return {};
    },
    async *listItems(request) {
      expectTrue<Equal<typeof request, Scalars>>();
      yield { choice: { case: "text", value: "t" } };
    },
    async upload(requests) {
      expectTrue<Equal<typeof requests, AsyncIterable<Shapes>>>();
      return {};
    },
    async *chat(requests) {
      for await (const request of requests) yield { object: { constructor$: request.constructor$ } };
    },
  });
}

export function messageShapes(): void {
  // Decoded messages are complete: a literal missing a field is not a Scalars.
  // @ts-expect-error aBytes and the other fields are required in the decoded type
  const incomplete: Scalars = { aInt32: 1 };
  void incomplete;
  const input: ScalarsInput = { aInt32: 1 };
  Scalars.encode(input);
  // A oneof case must carry the value of its field.
  // @ts-expect-error text carries a string
  Shapes.encode({ choice: { case: "text", value: 1 } });
  // @ts-expect-error no such case
  Shapes.encode({ choice: { case: "nope", value: 1 } });
  Shapes.encode({ choice: { case: undefined } });
  // Maps take string keys; enums take their members.
  Shapes.encode({ byName: { a: 1 }, colors: [Color.COLOR_RED] });
  // @ts-expect-error a map value of the wrong type
  Shapes.encode({ byName: { a: "1" } });
  // Decoded messages are what decode returns; encode takes inputs, decoded messages too.
  const decoded = Shapes.decode(new Uint8Array(0));
  expectTrue<Equal<typeof decoded, Shapes>>();
  Shapes.encode(decoded);
}
