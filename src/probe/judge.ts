import type { Exchange } from "./exchange.js";
import { describeExchange, grpcStatus } from "./observe.js";
import type { Judgement } from "./server-check.js";

/** PASS when the server ended the call with `expected`, FAIL otherwise (including no answer). */
export function expectStatus(exchange: Exchange, expected: number, extra?: (exchange: Exchange) => string | undefined): Judgement {
  const observed = describeExchange(exchange);
  const status = grpcStatus(exchange);
  if (status !== expected) return { verdict: "FAIL", observed, note: `expected grpc-status ${expected}, got ${status ?? "none"}` };
  const problem = extra?.(exchange);
  return problem === undefined ? { verdict: "PASS", observed } : { verdict: "FAIL", observed, note: problem };
}

/** PASS when the server answered with any error: a non-zero grpc-status, an HTTP error status or a reset; FAIL on OK or no answer. */
export function expectRefusal(exchange: Exchange, preferred?: number): Judgement {
  const observed = describeExchange(exchange);
  if (exchange.timedOut) return { verdict: "FAIL", observed, note: "no answer in time" };
  const status = grpcStatus(exchange);
  if (status === 0) return { verdict: "FAIL", observed, note: "the server treated it as a valid call (grpc-status 0)" };
  if (status === undefined && exchange.headers === undefined && exchange.rstCode === undefined)
    return { verdict: "FAIL", observed, note: "no answer" };
  if (preferred !== undefined && status !== preferred)
    return { verdict: "PASS", observed, note: `refused; grpc-status ${preferred} would say more precisely why` };
  return { verdict: "PASS", observed };
}

/** PASS when the server answered at all (any status, HTTP error or reset) within the wait; FAIL when it kept the stream open. */
export function expectAnswer(exchange: Exchange): Judgement {
  const observed = describeExchange(exchange);
  if (exchange.timedOut) return { verdict: "FAIL", observed, note: "no answer in time" };
  if (exchange.error !== undefined && exchange.headers === undefined && exchange.rstCode === undefined)
    return { verdict: "FAIL", observed, note: exchange.error };
  return { verdict: "PASS", observed };
}
