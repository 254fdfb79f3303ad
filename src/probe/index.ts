// The gRPC spec probe (`tsgrpc probe`): crafted HTTP/2 traffic straight on node:http2, no gRPC layer
// between the probe and the peer it judges. docs/CONFORMANCE.md.
export {
  countVerdicts,
  matchesOnly,
  type CheckInfo,
  type CheckResult,
  type ProbeReport,
  type Requirement,
  type SpecSource,
  type Verdict,
} from "./check.js";
export type { ClientCheck, ClientOutcome, RespondContext } from "./client-check.js";
export { CLIENT_CHECKS } from "./client-checks.js";
export type { ProbeTarget } from "./exchange.js";
export { TARGET_ENV, TARGET_PLACEHOLDER, probeClient, type ClientProbeOptions } from "./probe-client.js";
export { probeServer, type ServerProbeOptions } from "./probe-server.js";
export { formatReport, formatResultText, type ReportFormat } from "./report.js";
export type { Judgement, ServerCheck, ServerProbeContext } from "./server-check.js";
export { SERVER_CHECKS } from "./server-checks.js";
