// The test page's script, bundled by test/browser/browser.test.ts with esbuild for the browser:
// runs every scenario with tsgrpc/web and with Connect-ES's web transports against the tsgrpc
// server that served the page, and shows the results in a table (and on window.testReport).
import { createClient, ConnectError } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { EchoStatus } from "../../../src/interop/gen/grpc/testing/messages_pb.js";
import { TestService } from "../../../src/interop/gen/grpc/testing/test_pb.js";
import { GrpcError, Metadata, createWebClient, type WebProtocol } from "../../../src/web-client/index.js";
import { testServiceSchema } from "../test-service-schema.js";
import { CLIENTS, SCENARIOS, resultKey, type ClientName, type PageReport, type ScenarioName } from "./scenarios.js";

/** The little of the DOM the page uses (the project compiles without the DOM library). */
interface PageGlobals {
  document: { body: { innerHTML: string }; title: string };
  location: { origin: string; protocol: string };
  performance: { getEntriesByType(type: string): { name: string; initiatorType?: string; nextHopProtocol?: string }[] };
  testReport?: PageReport;
}
const page = globalThis as unknown as PageGlobals;
const schema = testServiceSchema();
/** The header naming the client (tsgrpc-page-server.ts CLIENT_HEADER), so the server reports whose cancel it saw. */
const CLIENT_HEADER = "x-test-client";

/** Options of one call, in the form both clients take. */
interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}
/** The calls the scenarios make, behind one shape for both clients. */
interface Calls {
  unaryCall(
    request: { responseSize?: number; responseStatus?: { code: number; message: string } },
    options?: CallOptions,
  ): Promise<{ payload?: { body: Uint8Array } | undefined }>;
  streamingOutputCall(
    request: { responseParameters: { size: number; intervalUs?: number }[] },
    options?: CallOptions,
  ): AsyncIterable<{ payload?: { body: Uint8Array } | undefined }>;
}

function tsgrpcCalls(protocol: WebProtocol): Calls {
  const client = createWebClient(TestService, { baseUrl: page.location.origin, protocol });
  const webOptions = (options: CallOptions = {}) => ({
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    metadata: Metadata.from(options.headers ?? {}),
  });
  return {
    unaryCall: (request, options) => client.unaryCall(request, webOptions(options)),
    streamingOutputCall: (request, options) => client.streamingOutputCall(request, webOptions(options)),
  };
}

function connectEsCalls(protocol: "grpc-web" | "connect"): Calls {
  const baseUrl = page.location.origin;
  const transport =
    protocol === "connect"
      ? createConnectTransport({ baseUrl, useBinaryFormat: true })
      : createGrpcWebTransport({ baseUrl, useBinaryFormat: true });
  // The schema is built at run time, so Connect-ES's client is untyped: this is its shape.
  return createClient(schema.service, transport) as unknown as Calls;
}

function callsOf(client: ClientName): Calls {
  switch (client) {
    case "tsgrpc grpc-web":
      return tsgrpcCalls("grpc-web");
    case "tsgrpc grpc-web-text":
      return tsgrpcCalls("grpc-web-text");
    case "tsgrpc connect":
      return tsgrpcCalls("connect");
    case "connect-es grpc-web":
      return connectEsCalls("grpc-web");
    default:
      return connectEsCalls("connect");
  }
}

/** "code N" of an error from either client, or its text when it is neither's. */
function codeOf(error: unknown): string {
  if (error instanceof GrpcError) return `code ${error.code}`;
  if (error instanceof ConnectError) return `code ${error.code}`;
  return `unexpected ${String(error)}`;
}
function messageOf(error: unknown): string {
  if (error instanceof GrpcError) return error.statusMessage;
  if (error instanceof ConnectError) return error.rawMessage;
  return "";
}
/** The EchoStatus details of an error from either client, as text. */
function detailsOf(error: unknown): string {
  const statuses: { code: number; message: string }[] = [];
  if (error instanceof GrpcError)
    for (const detail of error.statusDetails?.details ?? [])
      if (detail.typeUrl === "type.googleapis.com/grpc.testing.EchoStatus") statuses.push(EchoStatus.decode(detail.value));
  if (error instanceof ConnectError)
    statuses.push(...(error.findDetails(schema.echoStatus) as unknown as { code: number; message: string }[]));
  return statuses
    .map((status) => `detail grpc.testing.EchoStatus { code: ${status.code}, message: ${JSON.stringify(status.message)} }`)
    .join("; ");
}

const RUN: Record<ScenarioName, (calls: Calls, client: ClientName) => Promise<string>> = {
  async unary(calls) {
    const response = await calls.unaryCall({ responseSize: 3 });
    return `response of ${response.payload?.body.length} bytes`;
  },
  async "server streaming"(calls) {
    const sizes: number[] = [];
    for await (const response of calls.streamingOutputCall({ responseParameters: [{ size: 1 }, { size: 2 }, { size: 3 }] }))
      sizes.push(response.payload?.body.length ?? -1);
    return `responses of ${sizes.join(",")} bytes`;
  },
  async "error status"(calls) {
    try {
      await calls.unaryCall({ responseStatus: { code: 5, message: "no such thing" } });
      return "no error";
    } catch (error) {
      return `${codeOf(error)}: ${messageOf(error)}, ${detailsOf(error) || "no details"}`;
    }
  },
  async deadline(calls) {
    try {
      await calls.unaryCall({}, { timeoutMs: 300, headers: { "x-test-delay-ms": "20000" } });
      return "no error";
    } catch (error) {
      return codeOf(error);
    }
  },
  async cancel(calls, client) {
    const controller = new AbortController();
    let count = 0;
    try {
      for await (const _response of calls.streamingOutputCall(
        { responseParameters: [{ size: 1 }, { size: 1, intervalUs: 20_000_000 }] },
        { signal: controller.signal, headers: { [CLIENT_HEADER]: client } },
      )) {
        count++;
        controller.abort();
      }
      return `${count} response(s), then the end`;
    } catch (error) {
      return `${count} response, then ${codeOf(error)}`;
    }
  },
};

async function main(): Promise<void> {
  const results: Record<string, string> = {};
  await Promise.all(
    CLIENTS.flatMap((client) =>
      (Object.keys(SCENARIOS) as ScenarioName[]).map(async (scenario) => {
        try {
          results[resultKey(client, scenario)] = await RUN[scenario](callsOf(client), client);
        } catch (error) {
          results[resultKey(client, scenario)] = `failed: ${String(error)}`;
        }
      }),
    ),
  );
  const rows = Object.keys(results)
    .sort()
    .map((key) => {
      const [client, scenario] = key.split(" / ") as [ClientName, ScenarioName];
      const passed = results[key] === SCENARIOS[scenario];
      return `<tr style="background:${passed ? "#dfd" : "#fdd"}"><td>${client}</td><td>${scenario}</td><td>${results[key]}</td></tr>`;
    });
  const pageProtocol = page.performance.getEntriesByType("navigation")[0]?.nextHopProtocol ?? "unknown";
  const callProtocols = [
    ...new Set(
      page.performance
        .getEntriesByType("resource")
        .filter((entry) => entry.initiatorType === "fetch")
        .map((entry) => entry.nextHopProtocol ?? "unknown")
        // A fetch aborted before its response (a deadline, a cancel) may have no protocol recorded.
        .filter((protocol) => protocol !== ""),
    ),
  ].sort();
  page.document.body.innerHTML = `<h1>tsgrpc/web in a browser, served by tsgrpc</h1><p>${page.location.origin}: the page over ${pageProtocol}, the calls over ${callProtocols.join(", ")}</p><table border="1" cellpadding="4"><tr><th>client</th><th>scenario</th><th>result</th></tr>${rows.join("")}</table>`;
  page.testReport = { results, pageProtocol, callProtocols };
  page.document.title = "done";
}

void main();
