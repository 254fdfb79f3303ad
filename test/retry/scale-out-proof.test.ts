// The scale-out proof (issue 15): 10,000 unary calls and 100 bidi streams from one client over
// four backend processes with round_robin and a retry (then a hedging) policy on UNAVAILABLE.
// Midway one backend is SIGKILLed and another shut down gracefully (GOAWAY, drain).
//
// What is checked, and how "accepted" is defined:
// - Zero failed unary calls, except calls committed (A6: response headers received) on the
//   backend that was then SIGKILLed: node:http2 sends a response's trailers in a later socket
//   write than its headers and message, so a kill between the two cuts them (see checkAccounting).
//   Every answered call was answered exactly once, by the backend its response names.
// - A call is *accepted* by a backend when that backend's handler ran for it (the backend records
//   the call's id before answering). For every backend that was not SIGKILLed, the ids its handlers
//   ran are exactly the ids it answered (retry), or include them (hedging, where a hedge that lost
//   ran too and was cancelled): no call ran twice on live backends without a reason. The killed
//   backend cannot report; calls it ran and never answered were retried elsewhere, as A6 allows.
// - Bidi streams: each gets its 20 messages echoed, in order, from one backend. A stream is
//   retried (its buffered requests replayed) while it has not received response headers. One
//   that had (committed, per A6) when its backend was SIGKILLed cannot be saved by any client:
//   such a failure is allowed only if its headers came from the killed backend, and is counted.
// - The load of the two survivors, over the calls started after both faults, is within 10% of even.
// Four backends, not three: with three, one survivor is left and "even" says nothing.
import { checkAccounting, runProof } from "./proof-run.js";

describe("scale-out proof: 10,000 calls ride through a killed and a drained backend", function () {
  this.timeout(180_000);

  it("with a retry policy: zero failed calls, each answered once, survivors even", async () => {
    const result = await runProof({ policy: "retry" });
    checkAccounting(result, true);
  });

  it("with a hedging policy: zero failed calls, each answered once, survivors even", async () => {
    const result = await runProof({ policy: "hedging" });
    checkAccounting(result, false);
  });
});
