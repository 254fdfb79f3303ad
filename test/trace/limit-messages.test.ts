import { expect } from "chai";
import { Channel, createClient } from "../../src/client/index.js";
import { Server } from "../../src/server/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { Greeter, type GreeterClient } from "./scenarios.js";

// Messages for limits name the side and the option (issue 13): what was too large, on which
// side, and the option that sets the limit, with exact bytes and the unit they round to.
describe("limit messages name the side and the option", function () {
  this.timeout(20_000);

  async function failure(
    serverOptions: ConstructorParameters<typeof Server>[0],
    channelOptions: ConstructorParameters<typeof Channel>[1],
    name: string,
  ): Promise<GrpcError> {
    const server = new Server({ trace: false, logger: null, ...serverOptions });
    server.add(Greeter, {
      sayHello: (request: { name: string }) => ({ message: request.name.repeat(2) }),
      async *sayHellos() {},
      collectHellos: async () => ({ message: "" }),
      async *chat() {},
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`, { trace: false, logger: null, ...channelOptions });
    try {
      const client: GreeterClient = createClient(Greeter, channel);
      const error = await client.sayHello({ name }).then(
        () => undefined,
        (failed: unknown) => failed,
      );
      expect(error).to.be.instanceOf(GrpcError);
      return error as GrpcError;
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  }

  it("client: a response over maxReceiveMessageBytes", async () => {
    const error = await failure({}, { maxReceiveMessageBytes: 1024 }, "x".repeat(2000));
    expect(error.code).to.equal(Code.ResourceExhausted);
    expect(error.statusMessage).to.equal("client: response of 4003 bytes (3.9 KiB) exceeds maxReceiveMessageBytes 1024 bytes (1 KiB)");
  });

  it("client: a request over maxSendMessageBytes (nothing is sent)", async () => {
    const error = await failure({}, { maxSendMessageBytes: 100 }, "x".repeat(200));
    expect(error.code).to.equal(Code.ResourceExhausted);
    expect(error.statusMessage).to.equal("client: request of 203 bytes exceeds maxSendMessageBytes 100 bytes");
  });

  it("server: a request over its maxReceiveMessageBytes", async () => {
    const error = await failure({ maxReceiveMessageBytes: 1024 }, {}, "x".repeat(1500));
    expect(error.code).to.equal(Code.ResourceExhausted);
    expect(error.statusMessage).to.equal("server: request of 1503 bytes (1.5 KiB) exceeds maxReceiveMessageBytes 1024 bytes (1 KiB)");
  });

  it("server: a response over its maxSendMessageBytes", async () => {
    const error = await failure({ maxSendMessageBytes: 1000 }, {}, "x".repeat(600));
    expect(error.code).to.equal(Code.ResourceExhausted);
    expect(error.statusMessage).to.equal("server: response of 1203 bytes (1.2 KiB) exceeds maxSendMessageBytes 1000 bytes");
  });
});
