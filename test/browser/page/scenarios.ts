// The calls the browser page makes, with each client, and what each must report: shared by the
// page (which runs them) and the test (which checks the page's results).

/**
 * The clients on the page: tsgrpc/web and Connect-ES's web transports, each over gRPC-Web and Connect.
 * (grpc-web-text is covered by test/web-client with a fake fetch: Connect-ES's server does not speak it.)
 */
export const CLIENTS = ["tsgrpc grpc-web", "tsgrpc connect", "connect-es grpc-web", "connect-es connect"] as const;
/** One of the clients on the page. */
export type ClientName = (typeof CLIENTS)[number];

/** Each scenario and the result text it must produce. */
export const SCENARIOS = {
  unary: "response of 3 bytes",
  "server streaming": "responses of 1,2,3 bytes",
  "error status": "code 5: no such thing",
  deadline: "code 4",
  cancel: "1 response, then code 1",
} as const;
/** One of the scenarios. */
export type ScenarioName = keyof typeof SCENARIOS;

/** The key of one result: "<client> / <scenario>". */
export function resultKey(client: ClientName, scenario: ScenarioName): string {
  return `${client} / ${scenario}`;
}
