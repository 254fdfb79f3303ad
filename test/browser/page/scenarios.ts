// The calls the browser page makes, with each client, and what each must report: shared by the
// page (which runs them) and the test (which checks the page's results).

/** The clients on the page: tsgrpc/web over each of its protocols, and Connect-ES's two web transports. */
export const CLIENTS = ["tsgrpc grpc-web", "tsgrpc grpc-web-text", "tsgrpc connect", "connect-es grpc-web", "connect-es connect"] as const;
/** One of the clients on the page. */
export type ClientName = (typeof CLIENTS)[number];

/** Each scenario and the result text it must produce. */
export const SCENARIOS = {
  unary: "response of 3 bytes",
  "server streaming": "responses of 1,2,3 bytes",
  "error status": 'code 5: no such thing, detail grpc.testing.EchoStatus { code: 5, message: "no such thing" }',
  deadline: "code 4",
  cancel: "1 response, then code 1",
} as const;
/** One of the scenarios. */
export type ScenarioName = keyof typeof SCENARIOS;

/** The key of one result: "<client> / <scenario>". */
export function resultKey(client: ClientName, scenario: ScenarioName): string {
  return `${client} / ${scenario}`;
}

/** What the page leaves on `window` for the test: the results, and the HTTP versions its requests used. */
export interface PageReport {
  results: Record<string, string>;
  /** nextHopProtocol of the page itself ("http/1.1", "h2"). */
  pageProtocol: string;
  /** nextHopProtocol of every fetch the calls made, deduplicated. */
  callProtocols: string[];
}
