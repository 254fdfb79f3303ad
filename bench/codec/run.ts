// bench/codec: encode and decode speed of four protobuf codecs on the same values, in one run.
//
//   npm run bench:codec                    (builds, then measures and writes bench/codec/RESULTS.md)
//   CODEC_ROUNDS=5 CODEC_MS=400 node dist/bench/codec/run.js [--no-write]
//
// Codecs: tsgrpc generated code (bench/codec/gen), protobufjs reflection (what loadService uses,
// through tsgrpc's protobufCodec), protobufjs static code (pbjs -t static-module, built into
// bench/.build/codec by build.sh), and @bufbuild/protobuf v2 (from a protoc FileDescriptorSet).
// Every codec's output is decoded by tsgrpc and compared with the input before timing starts.
import { deepStrictEqual } from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, createFileRegistry, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import protobuf from "protobufjs";
import { protobufCodec } from "../../src/index.js";
import { PROJECT_ROOT } from "../lib/proto.js";
import { median } from "../lib/stats.js";
import { Order, type OrderInput, Payload, Status } from "./gen/bench_pb.js";

const ROUNDS = Number(process.env.CODEC_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.CODEC_MS ?? 300);
const WARMUP_MS = Number(process.env.CODEC_WARMUP_MS ?? 1000);
const BUILD = join(PROJECT_ROOT, "bench", ".build", "codec");

/** One codec under test for one message: encode the prepared input, decode the given bytes. */
interface Subject {
  name: string;
  encode(): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** The realistic message: nested, repeated (packed ints, messages), ASCII and non-ASCII strings, int64s, a map, a oneof, an enum. */
const order: OrderInput = {
  id: 9007199254740993n,
  customer: "Ada Lovelace",
  note: "Bitte vor 18 Uhr liefern — danke! Größe: M, Farbe: grün. 配送は午前中にお願いします。",
  status: Status.STATUS_ACTIVE,
  shipping: { street: "12 Analytical Engine Way", city: "Zürich", country: "CH", zip: 8001 },
  items: [
    { sku: "SKU-000123", quantity: 2n, priceMicros: 19_990_000n, discount: 0.1 },
    { sku: "SKU-004567", quantity: 1n, priceMicros: 249_000_000n, discount: 0 },
    { sku: "SKU-089012", quantity: 12n, priceMicros: 1_500_000n, discount: 0.25 },
    { sku: "SKU-345678", quantity: 3n, priceMicros: 7_250_000n, discount: 0.05 },
  ],
  scores: [1, 5, 42, 300, 70000, 3, 9, 128, 16384, 2],
  labels: { region: "eu-central", tier: "gold", channel: "web", "promo-code": "WINTER24" },
  payment: { case: "cardToken", value: "tok_1Nv0q2LkdIwHu7ix" },
  balance: -1234567890123n,
  gift: true,
  createdAt: 1764770400000n,
};

/** The same values as protobufjs takes them (plain object; 64-bit integers as decimal strings). */
const orderPlain = {
  id: "9007199254740993",
  customer: order.customer,
  note: order.note,
  status: 1,
  shipping: order.shipping,
  items: order.items!.map((item) => ({
    sku: item.sku,
    quantity: String(item.quantity),
    priceMicros: String(item.priceMicros),
    discount: item.discount,
  })),
  scores: order.scores,
  labels: order.labels,
  cardToken: "tok_1Nv0q2LkdIwHu7ix",
  balance: "-1234567890123",
  gift: true,
  createdAt: "1764770400000",
};

const body = new Uint8Array(1024).map((_, i) => (i * 31 + 7) & 0xff);

/** The same values as @bufbuild/protobuf's create() takes them. */
const orderBuf = {
  id: order.id,
  customer: order.customer,
  note: order.note,
  status: 1,
  shipping: order.shipping,
  items: order.items,
  scores: order.scores,
  labels: order.labels,
  payment: { case: "cardToken" as const, value: "tok_1Nv0q2LkdIwHu7ix" },
  balance: order.balance,
  gift: true,
  createdAt: order.createdAt,
};

// biome-ignore lint/suspicious/noExplicitAny: pbjs output is loaded at run time, untyped
type Any = any;

async function subjects(): Promise<{ order: Subject[]; payload: Subject[] }> {
  const root = protobuf.loadSync(join(PROJECT_ROOT, "bench", "codec", "bench.proto"));
  const reflectOrder = protobufCodec(root.lookupType("codecbench.v1.Order"));
  const reflectPayload = protobufCodec(root.lookupType("codecbench.v1.Payload"));

  const staticModule: Any = await import(pathToFileURL(join(BUILD, "static.js")).href);
  const staticNs = staticModule.codecbench.v1;

  const set = fromBinary(FileDescriptorSetSchema, readFileSync(join(BUILD, "bench.pb")));
  const registry = createFileRegistry(set);
  const bufOrder = registry.getMessage("codecbench.v1.Order") as DescMessage;
  const bufPayload = registry.getMessage("codecbench.v1.Payload") as DescMessage;
  const bufOrderMessage = create(bufOrder, orderBuf as Any);
  const bufPayloadMessage = create(bufPayload, { body } as Any);

  return {
    order: [
      { name: "tsgrpc generated", encode: () => Order.encode(order), decode: (bytes) => Order.decode(bytes) },
      {
        name: "protobufjs static",
        encode: () => staticNs.Order.encode(orderPlain).finish(),
        decode: (bytes) => staticNs.Order.decode(bytes),
      },
      { name: "protobufjs reflection", encode: () => reflectOrder.encode(orderPlain), decode: (bytes) => reflectOrder.decode(bytes) },
      { name: "@bufbuild/protobuf", encode: () => toBinary(bufOrder, bufOrderMessage), decode: (bytes) => fromBinary(bufOrder, bytes) },
    ],
    payload: [
      { name: "tsgrpc generated", encode: () => Payload.encode({ body }), decode: (bytes) => Payload.decode(bytes) },
      {
        name: "protobufjs static",
        encode: () => staticNs.Payload.encode({ body }).finish(),
        decode: (bytes) => staticNs.Payload.decode(bytes),
      },
      { name: "protobufjs reflection", encode: () => reflectPayload.encode({ body }), decode: (bytes) => reflectPayload.decode(bytes) },
      {
        name: "@bufbuild/protobuf",
        encode: () => toBinary(bufPayload, bufPayloadMessage),
        decode: (bytes) => fromBinary(bufPayload, bytes),
      },
    ],
  };
}

/** Checks that every codec writes what tsgrpc reads as the input, and reads what tsgrpc writes. */
function checkEquivalent(list: Subject[], decodeRef: (bytes: Uint8Array) => unknown, reference: Uint8Array): void {
  const expected = decodeRef(reference);
  for (const subject of list) {
    deepStrictEqual(decodeRef(new Uint8Array(subject.encode())), expected, `${subject.name} encodes other values than tsgrpc`);
    const roundTrip = subject.decode(reference);
    if (roundTrip === undefined || roundTrip === null) throw new Error(`bench: ${subject.name} decoded nothing`);
  }
}

let sink = 0;

/** Nanoseconds per call of `fn`, timed over about `ms` milliseconds. */
function time(fn: () => unknown, ms: number): number {
  let batch = 64;
  let calls = 0;
  const start = process.hrtime.bigint();
  const limit = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < limit) {
    for (let i = 0; i < batch; i++) if (fn() !== undefined) sink++;
    calls += batch;
    now = process.hrtime.bigint();
    if (batch < 4096) batch *= 2;
  }
  return Number(now - start) / calls;
}

interface Row {
  message: string;
  op: "encode" | "decode";
  codec: string;
  ns: number;
  bytes: number;
}

function measure(message: string, list: Subject[]): Row[] {
  const inputs = list.map((subject) => subject.encode());
  const bytes = inputs[0]!.length;
  const samples = new Map<string, number[]>();
  const ops: ["encode" | "decode", number][] = [];
  for (let i = 0; i < list.length; i++) ops.push(["encode", i], ["decode", i]);
  const runOne = ([op, i]: ["encode" | "decode", number], ms: number): number => {
    const subject = list[i]!;
    // Each decoder reads the bytes its own encoder wrote (all decode to the same values).
    const input = inputs[i]!;
    return op === "encode" ? time(() => subject.encode(), ms) : time(() => subject.decode(input), ms);
  };
  for (const op of ops) runOne(op, WARMUP_MS / 2);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < ops.length; k++) {
      const op = ops[(k + round) % ops.length]!;
      const key = `${op[0]} ${op[1]}`;
      const list2 = samples.get(key) ?? [];
      list2.push(runOne(op, ROUND_MS));
      samples.set(key, list2);
    }
  }
  const rows: Row[] = [];
  for (const op of ["encode", "decode"] as const)
    list.forEach((subject, i) => {
      rows.push({ message, op, codec: subject.name, ns: median(samples.get(`${op} ${i}`)!), bytes });
    });
  return rows;
}

function table(rows: Row[]): string {
  const lines: string[] = [];
  for (const message of [...new Set(rows.map((row) => row.message))]) {
    for (const op of ["encode", "decode"] as const) {
      const group = rows.filter((row) => row.message === message && row.op === op);
      const ours = group.find((row) => row.codec === "tsgrpc generated")!;
      const peer = (name: string): string => {
        const other = group.find((row) => row.codec === name)!;
        return `${(other.ns / ours.ns).toFixed(2)}x`;
      };
      lines.push(`### ${message}: ${op} (${ours.bytes} bytes)`, "");
      lines.push("| codec | ns/message | MB/s | tsgrpc speed-up |", "|---|---:|---:|---:|");
      for (const row of group) {
        const mbps = (row.bytes / row.ns) * 1e3;
        lines.push(`| ${row.codec} | ${row.ns.toFixed(0)} | ${mbps.toFixed(1)} | ${row === ours ? "—" : peer(row.codec)} |`);
      }
      lines.push("");
    }
  }
  return lines.join("\n");
}

/** `document` with the section `## title` replaced by (or appended as) `body`; other sections stay. */
function withSection(document: string, title: string, body: string): string {
  const section = `## ${title}\n\n${body.trimEnd()}\n`;
  const start = document.indexOf(`## ${title}\n`);
  if (start < 0) return `${document.trimEnd()}${document === "" ? "# bench/codec results\n" : ""}\n\n${section}`;
  const next = document.indexOf("\n## ", start + 1);
  return document.slice(0, start) + section + (next < 0 ? "" : document.slice(next + 1));
}

async function main(): Promise<void> {
  const all = await subjects();
  const orderRef = Order.encode(order);
  checkEquivalent(all.order, (bytes) => Order.decode(bytes), orderRef);
  checkEquivalent(all.payload, (bytes) => Payload.decode(bytes), Payload.encode({ body }));
  const rows = [...measure("Order (realistic)", all.order), ...measure("Payload (1 KiB bytes)", all.payload)];
  const header = [
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${ROUNDS} rounds x ${ROUND_MS} ms after warm-up, medians.`,
    "\"tsgrpc speed-up\" is the peer's time per message divided by tsgrpc's (above 1.00x: tsgrpc is faster).",
    "",
  ].join("\n");
  const text = header + table(rows);
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes("--no-write")) {
    const file = join(PROJECT_ROOT, "bench", "codec", "RESULTS.md");
    writeFileSync(
      file,
      withSection(existsSync(file) ? readFileSync(file, "utf8") : "", `Node ${process.versions.node.split(".")[0]}`, text),
    );
    process.stdout.write(`wrote ${file}\n`);
  }
  if (sink < 0) process.stdout.write("");
}

await main();
