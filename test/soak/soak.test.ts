// A short run of the soak (test/soak/soak.ts) in npm test: 20 s of mixed load in a child node
// with --expose-gc, which must pass its own checks (no heap growth after warm-up, no handles,
// listeners or warnings left behind, no unexpected status). `npm run soak -- --minutes 10` is the long run.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatSoak, type SoakResult } from "./soak.js";

const SOAK = join(dirname(fileURLToPath(import.meta.url)), "soak.js");

describe("soak: 20 s of mixed load", function () {
  this.timeout(180_000);

  it("keeps the heap flat and leaves no socket, timer or listener behind", async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--expose-gc", SOAK, "--seconds", "20", "--json"], { maxBuffer: 1 << 24 }, (error, out) =>
        // A failed soak exits 1 with its summary on stdout: read it either way.
        out.trim() !== "" ? resolve(out) : reject(error ?? new Error("soak: no output")),
      ),
    );
    const result = JSON.parse(stdout) as SoakResult;
    const summary = formatSoak(result);
    expect(result.unexpected, summary).to.deep.equal([]);
    expect(result.leakedResources, summary).to.deep.equal({});
    expect(result.leakedProcessListeners, summary).to.deep.equal({});
    expect(result.warnings, summary).to.deep.equal([]);
    expect(result.heapGrowthBytes, summary).to.be.at.most(result.heapBoundBytes);
    expect(result.calls, summary).to.be.above(100);
    for (const kind of ["unary", "server-streaming", "client-streaming", "bidi"])
      expect(
        Object.keys(result.outcomes).some((key) => key === `${kind} OK`),
        `${kind} calls succeeded\n${summary}`,
      ).to.equal(true);
    expect(result.passed, summary).to.equal(true);
  });
});
