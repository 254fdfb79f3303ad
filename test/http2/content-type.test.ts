import { expect } from "chai";
import { isGrpcContentType } from "../../src/http2/index.js";

describe("http2/isGrpcContentType", () => {
  for (const value of [
    "application/grpc",
    "application/grpc+proto",
    "application/grpc+json",
    "application/grpc;charset=utf-8",
    "APPLICATION/GRPC+Proto",
  ])
    it(`accepts ${JSON.stringify(value)}`, () => expect(isGrpcContentType(value)).to.equal(true));
  for (const value of [
    undefined,
    "",
    "application/grp",
    "application/grpcx",
    "application/json",
    "text/plain",
    "application/grpc-web",
    " application/grpc",
  ])
    it(`rejects ${JSON.stringify(value)}`, () => expect(isGrpcContentType(value)).to.equal(false));
});
