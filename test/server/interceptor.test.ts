import { expect } from "chai";
import { composeInterceptors, type ServerInterceptor } from "../../src/server/interceptor.js";
import type { ServerContext } from "../../src/server/index.js";

const ctx = {} as ServerContext;

describe("server/composeInterceptors", () => {
  it("is undefined without interceptors, so calls skip the chain", () => expect(composeInterceptors([])).to.equal(undefined));

  it("runs the first interceptor outermost", async () => {
    const log: string[] = [];
    const wrap =
      (name: string): ServerInterceptor =>
      async (_ctx, next) => {
        log.push(`${name}>`);
        await next();
        log.push(`<${name}`);
      };
    await composeInterceptors([wrap("a"), wrap("b")])!(ctx, async () => void log.push("core"));
    expect(log).to.deep.equal(["a>", "b>", "core", "<b", "<a"]);
  });

  it("lets an interceptor skip the core by throwing", async () => {
    let coreRan = false;
    const deny: ServerInterceptor = async () => {
      throw new Error("denied");
    };
    const error = await composeInterceptors([deny])!(ctx, async () => void (coreRan = true)).catch((e: Error) => e);
    expect((error as Error).message).to.equal("denied");
    expect(coreRan).to.equal(false);
  });

  it("rejects an interceptor that is not a function", () => expect(() => composeInterceptors(["x" as never])).to.throw(TypeError));
});
