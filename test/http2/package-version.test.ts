import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TSGRPC_VERSION, USER_AGENT } from "../../src/http2/index.js";

// dist/test/http2/ → project root
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

describe("http2/package-version", () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

  it("is package.json's version, written in at build time", () => expect(TSGRPC_VERSION).to.equal(version));

  it("is the version the user-agent names", () => expect(USER_AGENT).to.equal(`grpc-node-tsgrpc/${version}`));
});
