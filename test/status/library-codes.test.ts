import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deadlineSignal } from "../../src/deadline/deadline-signal.js";
import { parseTimeout } from "../../src/deadline/timeout-header.js";
import { Code, codeName } from "../../src/status/code.js";
import { codeFromHttpStatus } from "../../src/status/code-from-http-status.js";
import { codeFromRstCode } from "../../src/status/http2-error-code.js";
import { GrpcError } from "../../src/status/grpc-error.js";

/** The codes the library itself may produce (doc/statuscodes.md). */
const LIBRARY_CODES = new Set<Code>([
  Code.Cancelled,
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.Unauthenticated,
]);
/** HTTP status and RST mappings are spec tables that also use PERMISSION_DENIED. */
const MAPPED_CODES = new Set<Code>([...LIBRARY_CODES, Code.PermissionDenied]);
const APPLICATION_ONLY = [
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.FailedPrecondition,
  Code.Aborted,
  Code.OutOfRange,
  Code.DataLoss,
];

describe("checklist 28: status codes the library itself produces", () => {
  it("the library set and the application-only set are disjoint", () => {
    for (const code of APPLICATION_ONLY) expect(LIBRARY_CODES.has(code), codeName(code)).to.equal(false);
  });

  it("codeFromHttpStatus never yields an application-only code", () => {
    for (let status = 0; status < 1000; status++) expect(MAPPED_CODES.has(codeFromHttpStatus(status)), String(status)).to.equal(true);
  });

  it("codeFromRstCode never yields an application-only code", () => {
    for (let rstCode = 0; rstCode < 256; rstCode++) expect(MAPPED_CODES.has(codeFromRstCode(rstCode)), String(rstCode)).to.equal(true);
  });

  it("a malformed grpc-timeout is INTERNAL", () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (value) => {
        try {
          parseTimeout(value);
        } catch (error) {
          expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Internal);
        }
      }),
    ));

  it("an expired deadline is DEADLINE_EXCEEDED", () => {
    const { signal, dispose } = deadlineSignal(Date.now() - 1);
    dispose();
    expect(signal.reason).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
  });

  it("no source file names an application-only code; PERMISSION_DENIED only in the two spec tables", () => {
    // Compiled next to this test (dist/ or .build/NAME/): the enum members stay as `Code.Name`.
    const root = fileURLToPath(new URL("../../src/", import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    expect(files.length).to.be.greaterThan(50);
    const names = [...APPLICATION_ONLY, Code.PermissionDenied].map((code) => Code[code]).join("|");
    const pattern = new RegExp(`\\bCode\\.(${names})\\b`, "g");
    const found: string[] = [];
    // health/ and reflection/ are gRPC's standard services, applications on the public API: their
    // specs name the codes they answer with (NOT_FOUND for an unknown service or symbol, ...).
    for (const file of files.filter((name) => !/^(health|reflection)[\\/]/.test(name)))
      for (const match of readFileSync(join(root, file), "utf8").matchAll(pattern))
        found.push(`${file.replaceAll("\\", "/")}: ${match[1]}`);
    // client/call-credentials.ts names the application-only codes to rewrite them to INTERNAL
    // when call credentials fail with one (gRFC A54): it lists them so as never to produce them.
    // json/json-path.js: the proto3 JSON mapping rejects JSON that does not fit its message type
    // with INVALID_ARGUMENT (a transcoder's input, never the status of a call's transport).
    // otel/attributes.js only classifies codes a server span reports (DATA_LOSS is an error there); it produces none.
    // interop/ is an application on the public API: its TestService answers INVALID_ARGUMENT as
    // doc/interop-test-descriptions.md says, and its cases expect that code from the server.
    const a54 = APPLICATION_ONLY.map((code) => `client/call-credentials.js: ${Code[code]}`);
    expect(found.sort()).to.deep.equal(
      [
        ...a54,
        "json/json-path.js: InvalidArgument",
        "otel/attributes.js: DataLoss",
        "interop/test-cases.js: InvalidArgument",
        "interop/test-cases.js: InvalidArgument",
        "interop/test-service.js: InvalidArgument",
        "interop/test-service.js: InvalidArgument",
        // The CLI's reflection client reads a server's NOT_FOUND answer (an unknown symbol); it produces none.
        "cli/reflection-client.js: NotFound",
        "status/code-from-http-status.js: PermissionDenied",
        "status/http2-error-code.js: PermissionDenied",
      ].sort(),
    );
  });
});
