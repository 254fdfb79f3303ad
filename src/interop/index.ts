// The interop client and server of doc/interop-test-descriptions.md, on tsgrpc's public API; the
// `tsgrpc interop` command (src/cli) runs them.
export { formatCaseLine, formatJsonReport, countResults, exitCodeOf } from "./case-report.js";
export { CLIENT_FLAGS, CLIENT_FLAG_ALIASES, clientOptionsFromFlags, parseAdditionalMetadata } from "./client-flags.js";
export { TestService, UnimplementedService } from "./gen/grpc/testing/test_pb.js";
export { describeFlags, parseInteropFlags, type FlagSpec, type ParsedFlags } from "./interop-flags.js";
export {
  INTEROP_MAX_RECEIVE_BYTES,
  createInteropServer,
  listenInterop,
  type InteropListenOptions,
  type InteropServerOptions,
} from "./interop-server.js";
export {
  isRunnableCase,
  isUnsupportedCase,
  runInteropCases,
  runnableCases,
  selectCases,
  targetOf,
  type CaseResult,
  type InteropClientOptions,
} from "./run-interop-cases.js";
export { SERVER_FLAGS, SERVER_FLAG_ALIASES, serverSettingsFromFlags, type InteropServerSettings } from "./server-flags.js";
export { STANDARD_CASES, UNSUPPORTED_CASES } from "./test-cases.js";
export { TEST_CA_PEM, TEST_SERVER_CERT_PEM, TEST_SERVER_KEY_PEM } from "./test-certificates.js";
export { createTestServiceImplementation } from "./test-service.js";
