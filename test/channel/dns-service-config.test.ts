import { expect } from "chai";
import { Balancer, chooseServiceConfig, lookupServiceConfig, type ServiceConfigClient, type Target } from "../../src/channel/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { FakeNetwork, type FakeTransport } from "./fake-transport.js";

const CLIENT: ServiceConfigClient = { language: "node", hostname: "web-1", percentageDraw: 42 };
const record = (choices: unknown): string[][] => [[`grpc_config=${JSON.stringify(choices)}`]];
const config = (tag: string) => ({ loadBalancingConfig: [{ round_robin: {} }], tag });

describe("channel/dns-service-config: chooseServiceConfig (gRFC A2)", () => {
  const cases: [string, string[][], string | undefined][] = [
    ["no records", [], undefined],
    ["records without grpc_config=", [["v=spf1 -all"], ["grpc_config"]], undefined],
    ["one choice without criteria", record([{ serviceConfig: config("a") }]), "a"],
    [
      "the first matching choice",
      record([{ clientLanguage: ["go"], serviceConfig: config("go") }, { serviceConfig: config("any") }]),
      "any",
    ],
    ["a language match, case-insensitive", record([{ clientLanguage: ["java", "NODE"], serviceConfig: config("node") }]), "node"],
    ["an empty language list (matches all)", record([{ clientLanguage: [], serviceConfig: config("all") }]), "all"],
    [
      "a hostname match, exact",
      record([
        { clientHostname: ["WEB-1"], serviceConfig: config("x") },
        { clientHostname: ["web-1"], serviceConfig: config("host") },
      ]),
      "host",
    ],
    ["a percentage above the draw (42 < 43)", record([{ percentage: 43, serviceConfig: config("canary") }]), "canary"],
    ["no percentage at the draw (42 < 42 fails)", record([{ percentage: 42, serviceConfig: config("canary") }]), undefined],
    [
      "percentage 0 never, 100 always",
      record([
        { percentage: 0, serviceConfig: config("never") },
        { percentage: 100, serviceConfig: config("always") },
      ]),
      "always",
    ],
    [
      "all criteria together",
      record([{ clientLanguage: ["node"], clientHostname: ["web-1"], percentage: 50, serviceConfig: config("all3") }]),
      "all3",
    ],
    ["no match at all", record([{ clientLanguage: ["go"], serviceConfig: config("go") }]), undefined],
    ["a record split in strings (joined)", [['grpc_config=[{"serviceConfig":', '{"tag":"split"}}]']], "split"],
  ];
  for (const [what, records, tag] of cases)
    it(`chooses from ${what}`, () => {
      const chosen = chooseServiceConfig(records, CLIENT);
      expect(chosen === undefined ? undefined : (JSON.parse(chosen) as { tag: string }).tag).to.equal(tag);
    });

  it("returns the chosen serviceConfig as JSON text", () => {
    expect(chooseServiceConfig(record([{ serviceConfig: { methodConfig: [] } }]), CLIENT)).to.equal('{"methodConfig":[]}');
  });

  const invalid: [string, string[][], string][] = [
    ["JSON that does not parse", [["grpc_config=[{"]], "not JSON"],
    ["a list that is an object", record({ serviceConfig: {} }), "must be a JSON list of choices"],
    ["a choice that is a string", record(["x"]), "[0] must be a JSON object"],
    ["an unknown choice field", record([{ serviceConfig: {}, clientLanguages: ["node"] }]), '[0] has an unknown field "clientLanguages"'],
    ["a missing serviceConfig", record([{ percentage: 10 }]), "[0].serviceConfig must be a JSON object"],
    ["a serviceConfig that is a string", record([{ serviceConfig: "{}" }]), "[0].serviceConfig must be a JSON object"],
    ["a percentage of 101", record([{ percentage: 101, serviceConfig: {} }]), "[0].percentage must be an integer from 0 to 100"],
    ["a fractional percentage", record([{ percentage: 1.5, serviceConfig: {} }]), "[0].percentage must be an integer"],
    [
      "a language that is a string",
      record([{ clientLanguage: "node", serviceConfig: {} }]),
      "[0].clientLanguage must be a list of strings",
    ],
    [
      "a broken choice after the matching one",
      record([{ serviceConfig: {} }, { serviceConfig: 1 }]),
      "[1].serviceConfig must be a JSON object",
    ],
    ["two grpc_config records", [...record([{ serviceConfig: {} }]), ...record([{ serviceConfig: {} }])], "2 records hold grpc_config="],
  ];
  for (const [what, records, message] of invalid)
    it(`rejects ${what}: the whole config is invalid (A21), UNAVAILABLE naming DNS`, () => {
      expect(() => chooseServiceConfig(records, CLIENT, "_grpc_config.api.example"))
        .to.throw(GrpcError, `DNS: invalid service config in TXT _grpc_config.api.example: ${message}`)
        .with.property("code", Code.Unavailable);
    });
});

describe("channel/dns-service-config: lookupServiceConfig", () => {
  it("asks for the TXT records of _grpc_config.<host>", async () => {
    const asked: string[] = [];
    const chosen = await lookupServiceConfig("api.example", {
      resolveTxt: async (name) => {
        asked.push(name);
        return record([{ serviceConfig: { tag: "dns" } }]);
      },
      client: CLIENT,
    });
    expect(asked).to.deep.equal(["_grpc_config.api.example"]);
    expect(chosen).to.equal('{"tag":"dns"}');
  });

  it("means no config when the lookup fails (no record, or DNS trouble)", async () => {
    for (const code of ["ENODATA", "ENOTFOUND", "ETIMEOUT"]) {
      const failing = async () => {
        throw Object.assign(new Error(`queryTxt ${code}`), { code });
      };
      expect(await lookupServiceConfig("api.example", { resolveTxt: failing, client: CLIENT })).to.equal(undefined);
    }
  });

  it("draws the percentage per lookup when no client is given", async () => {
    const records = record([{ percentage: 50, serviceConfig: { tag: "half" } }]);
    let chosen = 0;
    for (let i = 0; i < 200; i++) if ((await lookupServiceConfig("h", { resolveTxt: async () => records })) !== undefined) chosen++;
    // Binomial(200, 0.5): outside [50, 150] with a probability far below 1e-10.
    expect(chosen).to.be.within(50, 150);
  });
});

describe("channel/balancer: dnsServiceConfig", () => {
  const target: Target = { scheme: "dns", host: "localhost", port: 1, addresses: [], authority: "localhost:1", secure: false };

  it("returns the TXT service config with the resolved addresses when enabled", async () => {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(target, {
      connect: network.connect,
      dnsServiceConfig: {
        resolveTxt: async () => record([{ serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] } }]),
        client: CLIENT,
      },
    });
    try {
      channel.getState(true);
      for (let i = 0; i < 100 && channel.addresses().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(channel.addresses().length).to.be.above(0);
      // The TXT config is parsed and applied: its policy replaces the default pick_first.
      expect(channel.serviceConfig?.loadBalancingConfig.map((entry) => entry.name)).to.deep.equal(["round_robin"]);
      expect(channel.loadBalancingPolicy).to.equal("round_robin");
    } finally {
      channel.close();
    }
  });

  it("fails the resolution on an invalid TXT config (A21), naming it", async () => {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(target, {
      connect: network.connect,
      dnsServiceConfig: { resolveTxt: async () => [["grpc_config=nonsense"]], client: CLIENT },
    });
    try {
      const waiting = channel.pick(false);
      await (waiting as Promise<FakeTransport>).then(
        () => expect.fail("the pick should fail"),
        (error: GrpcError) => expect(error.statusMessage).to.match(/^DNS: invalid service config in TXT _grpc_config\.localhost: not JSON/),
      );
    } finally {
      channel.close();
    }
  });

  it("does not look TXT up unless enabled", async () => {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(target, { connect: network.connect });
    try {
      channel.getState(true);
      for (let i = 0; i < 100 && channel.addresses().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(channel.serviceConfig).to.equal(undefined);
    } finally {
      channel.close();
    }
  });
});
