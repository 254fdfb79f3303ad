// The scale-out proof through nginx (issue 15): the same run as test/retry/scale-out-proof.test.ts
// (10,000 unary calls, 100 bidi streams, four backend processes, one SIGKILLed and one drained
// midway), but the client has one address: nginx, with the recipe of docs/PROXIES.md (grpc_pass to
// an upstream of the four, round-robin per call). The retry policy is the client's; nginx adds none.
//
// What nginx does with the faults, and why no call fails:
// - A call nginx had sent to the killed backend loses its connection: nginx answers HTTP 502 (it
//   never resends a request that reached a backend: POST is not idempotent to it), the client reads
//   UNAVAILABLE and retries through nginx, which sends the new attempt to another backend.
// - A call nginx starts on a pooled connection the drained backend has sent GOAWAY on is refused
//   before any handler runs: 502 again, retried again. Once the drained backend stops listening,
//   nginx's connect fails, it retries that itself on the next server (nothing was sent) and marks
//   the server failed for fail_timeout (10 s), so calls flow to the survivors without a 502.
//
// How "accepted" is counted through a proxy: a call is accepted by a backend when that backend's
// handler ran for it (it records the call's id before answering), exactly as in the direct proof.
// The client cannot see which backend nginx chose for an attempt that failed, so the check is done
// from the backends' side: every backend that was not SIGKILLed ran exactly the calls it answered
// (each answer names its backend). A run whose answer nginx lost would show up there as a call run
// but not answered; a call nginx or the client sent twice to live backends, as a second run. The
// killed backend cannot report: calls it ran whose answers died with it are the ones nginx answered
// 502 and the client retried, which A6 allows (UNAVAILABLE, retryable).
//
// No loss either: nginx relays a backend's response headers as soon as it has them, ahead of the
// message and trailers, so a backend killed between its headers and trailers would leave a call
// committed at the client (A6: no replay) and reset by nginx. But a backend's answer leaves it in
// one socket write (test/http2/server/same-write.test.ts): nginx reads headers, message and
// trailers together or nothing of them, and relays them whole. (Before, tsgrpc sent the trailers
// in a later write, and 1 to 5 calls of 10,000 were lost this way in most runs.)
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkAccounting, type ProofFront, type ProofResult, runProof } from "../retry/proof-run.js";
import { proxyBinary, startProxy } from "./proxy-process.js";

/** nginx in front of the backends, keeping its access log (one line per call attempt, with its HTTP status) after it stops. */
async function nginxFront(addresses: readonly string[], seen: { accessLog: string; errorLog: string }): Promise<ProofFront> {
  const proxy = await startProxy("nginx", addresses);
  const dir = dirname(proxy.config);
  return {
    target: `127.0.0.1:${proxy.port}`,
    log: proxy.log,
    stop: async () => {
      seen.accessLog = readFileSync(join(dir, "access.log"), "utf8");
      seen.errorLog = proxy.log();
      await proxy.stop();
    },
  };
}

/** The HTTP status of each access log line (nginx's default "combined" format: the status follows the quoted request line). */
function statuses(accessLog: string): number[] {
  return [...accessLog.matchAll(/" (\d{3}) /g)].map((match) => Number(match[1]));
}

describe("scale-out proof through nginx: 10,000 calls ride through a killed and a drained backend", function () {
  this.timeout(300_000);

  before(function () {
    if (!proxyBinary("nginx")) {
      this.test!.parent!.title += " [SKIP: nginx is not installed; .ci/run installs it]";
      this.skip();
    }
  });

  for (const policy of ["retry", "hedging"] as const) {
    it(`with a ${policy} policy at the client: zero failed calls, each answered once, survivors even`, async () => {
      const seen = { accessLog: "", errorLog: "" };
      const result: ProofResult = await runProof({ policy, front: (addresses) => nginxFront(addresses, seen) });
      const codes = statuses(seen.accessLog);
      const badGateway = codes.filter((code) => code === 502).length;
      try {
        checkAccounting(result, policy === "retry");
        // Every attempt nginx did not answer 502 reached a backend and was answered by it (200), or
        // (hedging) was a hedge the client cancelled once another attempt won: nginx logs 499 when the
        // client resets a stream it had fully sent, 400 when it resets one whose request body (a bidi
        // stream's messages) was still arriving.
        const expected = policy === "retry" ? [200, 502] : [200, 502, 499, 400];
        expect(
          codes.filter((code) => !expected.includes(code)),
          "unexpected nginx statuses",
        ).to.deep.equal([]);
        // The faults were real through nginx: calls in flight on the killed backend came back 502 and were retried.
        expect(badGateway, "attempts nginx answered 502 (then retried by the client)").to.be.above(0);
      } catch (error) {
        // mocha prints an assertion's diff, not an appended message: the log goes to stderr.
        console.error(`nginx error log (last 40 lines):\n${seen.errorLog.split("\n").slice(-40).join("\n")}`);
        throw error;
      }
    });
  }
});
