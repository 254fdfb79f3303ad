// The DNS TXT service config (gRFC A2) through node's own resolver, against a tiny DNS server on
// 127.0.0.1 that answers TXT queries for _grpc_config.<name>: the record arrives as several
// strings of at most 255 bytes, and the lookup joins them.
import { expect } from "chai";
import { type Socket, createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { lookupServiceConfig } from "../../src/channel/index.js";

/** TXT records by name; each record is a list of strings. */
type Zone = Record<string, string[][]>;

/** Answers DNS queries over UDP from `zone`: TXT records for the names it has, NXDOMAIN otherwise. */
async function startDnsServer(zone: Zone): Promise<{ socket: Socket; port: number; asked: string[] }> {
  const socket = createSocket("udp4");
  const asked: string[] = [];
  socket.on("message", (query, peer) => {
    // Header (12 bytes), then one question: labels, a zero byte, QTYPE and QCLASS.
    const labels: string[] = [];
    let offset = 12;
    while (query[offset]! > 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString("ascii"));
      offset += 1 + length;
    }
    const questionEnd = offset + 5;
    const name = labels.join(".").toLowerCase();
    const type = query.readUInt16BE(offset + 1);
    asked.push(name);
    const records = type === 16 ? zone[name] : undefined;
    const answers = (records ?? []).map((strings) => {
      const rdata = Buffer.concat(strings.map((text) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text, "ascii")])));
      const head = Buffer.alloc(12);
      head.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      head.writeUInt16BE(16, 2); // TXT
      head.writeUInt16BE(1, 4); // IN
      head.writeUInt32BE(60, 6); // TTL
      head.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([head, rdata]);
    });
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // the query's id
    header.writeUInt16BE(zone[name] === undefined ? 0x8183 : 0x8180, 2); // response, RD, RA; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, port: socket.address().port, asked };
}

/** Cuts `text` into strings of at most 255 bytes, as a TXT record holds it. */
function txtStrings(text: string): string[] {
  const strings: string[] = [];
  for (let i = 0; i < text.length; i += 255) strings.push(text.slice(i, i + 255));
  return strings;
}

describe("lb e2e: service config from DNS TXT through node's resolver", () => {
  let server: Awaited<ReturnType<typeof startDnsServer>> | undefined;
  afterEach(() => {
    server?.socket.close();
    server = undefined;
  });

  function resolverFor(port: number) {
    return (name: string) => {
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([`127.0.0.1:${port}`]);
      return resolver.resolveTxt(name);
    };
  }

  it("joins a long grpc_config record and chooses the matching choice", async () => {
    const methodConfig = Array.from({ length: 12 }, (_, i) => ({ name: [{ service: `pkg.Service${i}` }], waitForReady: true }));
    const choices = [
      { clientLanguage: ["go"], serviceConfig: { loadBalancingConfig: [{ pick_first: {} }] } },
      { clientLanguage: ["node"], serviceConfig: { loadBalancingConfig: [{ round_robin: {} }], methodConfig } },
    ];
    const text = `grpc_config=${JSON.stringify(choices)}`;
    expect(text.length).to.be.above(600); // three strings or more
    server = await startDnsServer({
      "_grpc_config.pods.test": [["v=spf1 -all"], txtStrings(text)],
    });
    const chosen = await lookupServiceConfig("pods.test", {
      resolveTxt: resolverFor(server.port),
      client: { language: "node", hostname: "h", percentageDraw: 0 },
    });
    expect(server.asked).to.include("_grpc_config.pods.test");
    expect(JSON.parse(chosen!)).to.deep.equal(choices[1]!.serviceConfig);
  });

  it("means no config for a name without the record (NXDOMAIN)", async () => {
    server = await startDnsServer({});
    const chosen = await lookupServiceConfig("other.test", { resolveTxt: resolverFor(server.port) });
    expect(server.asked).to.include("_grpc_config.other.test");
    expect(chosen).to.equal(undefined);
  });
});
