import { expect } from "chai";
import { registryJsonMapping } from "../../src/web/json-method.js";
import { file_webtest } from "./gen/webtest_pb.js";

describe("web: registryJsonMapping", () => {
  /** The test schema: Lookup declares `idempotency_level = NO_SIDE_EFFECTS`, and the generated descriptor says so. */
  function schema(): Uint8Array {
    return file_webtest;
  }

  it("knows a method's types and whether it is side-effect free", () => {
    const mapping = registryJsonMapping([schema()]);
    expect(mapping.methodTypes("/tsgrpc.webtest.EchoService/Lookup")).to.deep.equal({
      inputType: "tsgrpc.webtest.EchoRequest",
      outputType: "tsgrpc.webtest.EchoResponse",
      noSideEffects: true,
    });
    expect(mapping.methodTypes("/tsgrpc.webtest.EchoService/Echo")?.noSideEffects).to.equal(false);
    expect(mapping.methodTypes("/tsgrpc.webtest.EchoService/Missing")).to.equal(undefined);
    expect(mapping.methodTypes("/other.Service/Echo")).to.equal(undefined);
  });

  it("maps JSON to binary and back", () => {
    const mapping = registryJsonMapping([schema()]);
    const bytes = mapping.fromJson("tsgrpc.webtest.EchoRequest", '{"text":"t","failCode":3}');
    expect(mapping.toJson("tsgrpc.webtest.EchoRequest", bytes)).to.deep.equal({ text: "t", failCode: 3 });
  });
});
