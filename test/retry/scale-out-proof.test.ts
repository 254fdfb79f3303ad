// The scale-out proof (issue 15): 10,000 unary calls and 100 bidi streams from one client over
// four backend processes with round_robin and a retry (then a hedging) policy on UNAVAILABLE.
// Midway one backend is SIGKILLed and another shut down gracefully (GOAWAY, drain).
//
// What is checked, and how "accepted" is defined:
// - Zero failed calls, with no exception. A call commits once response headers reached the
//   client (A6: never retried after that), so a backend killed between sending a call's headers
//   and its trailers would lose the call for good. It cannot happen here: a backend's answer
//   (headers, message(s), trailers) leaves it in one socket write (test/http2/server/same-write.test.ts),
//   and what a killed process wrote still reaches the client (test/retry/kill-after-write.test.ts).
//   So each call the killed backend was answering reached the client whole, or nothing of it did
//   and the call, uncommitted, was retried elsewhere. Every answered call was answered exactly
//   once, by the backend its response names.
// - A call is *accepted* by a backend when that backend's handler ran for it (the backend records
//   the call's id before answering). For every backend that was not SIGKILLed, the ids its handlers
//   ran are exactly the ids it answered (retry), or include them (hedging, where a hedge that lost
//   ran too and was cancelled): no call ran twice on live backends without a reason. The killed
//   backend cannot report; calls it ran and never answered were retried elsewhere, as A6 allows.
// - Bidi streams: each gets its 20 messages echoed, in order, from one backend. A stream is
//   retried (its buffered requests replayed) while it has not received response headers; its
//   answers leave the backend in one write (all 20 and the trailers), so none is lost either.
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
