// The proto3 JSON mapping checked against an independent implementation: Debian's
// python3-protobuf json_format, both directions, on the same messages (test/json/json-cases.ts).
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, GrpcError } from "../../src/status/index.js";
import type { TypeRegistry } from "../../src/descriptor/index.js";
import { projectRoot } from "../project-root.js";
import { INVALID_CASES, PYTHON_LENIENT_CASES, VALID_CASES } from "./json-cases.js";
import { compileTestProtos, testRegistry } from "./json-fixtures.js";

/** Debian's interpreter, which has python3-protobuf (a pyenv python first on PATH may not). */
const PYTHON = "/usr/bin/python3";

interface PythonAnswer {
  json?: unknown;
  binary?: string;
  error?: string;
}

/** Why the cross-check cannot run here, or undefined when python3 and google.protobuf are present. */
function missingPython(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import google.protobuf; print(google.protobuf.__version__)"], { encoding: "utf8" });
  return probe.status === 0 ? undefined : "python3 or python3-protobuf (google.protobuf) is not installed";
}

/** Runs every request through test/json/json_format_check.py in one process. */
function askPython(requests: object[]): PythonAnswer[] {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-json-py-"));
  try {
    const setFile = join(dir, "set.pb");
    writeFileSync(setFile, compileTestProtos().set);
    const output = execFileSync(PYTHON, [join(projectRoot(), "test/json/json_format_check.py"), setFile], {
      input: requests.map((request) => `${JSON.stringify(request)}\n`).join(""),
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    return output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as PythonAnswer);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

function ourBinary(registry: TypeRegistry, type: string, json: string): Uint8Array | GrpcError {
  try {
    return registry.fromJson(type, json);
  } catch (error) {
    if (error instanceof GrpcError) return error;
    throw error;
  }
}

describe("json: cross-check against python3-protobuf json_format", function () {
  this.timeout(60_000);
  let registry: TypeRegistry;
  let parsed: PythonAnswer[] = [];
  let printed: PythonAnswer[] = [];
  let ours: (Uint8Array | GrpcError)[] = [];

  before(function () {
    const missing = missingPython();
    if (missing !== undefined) this.skip();
    registry = testRegistry();
    // Python parses each JSON; both sides then print each other's binary.
    parsed = askPython(VALID_CASES.map(([type, json]) => ({ type, json })));
    ours = VALID_CASES.map(([type, json]) => ourBinary(registry, type, json));
    printed = askPython(
      VALID_CASES.map(([type], i) => {
        const binary = ours[i];
        return { type, binary: binary instanceof Uint8Array ? base64(binary) : "" };
      }),
    );
  });

  VALID_CASES.forEach(([type, json], i) => {
    describe(`${type} ${json.length > 80 ? `${json.slice(0, 77)}...` : json}`, () => {
      it("parses to the same bytes as python (deterministic serialization)", () => {
        const answer = parsed[i]!;
        expect(answer.error, "python rejected it").to.equal(undefined);
        const binary = ours[i]!;
        if (binary instanceof GrpcError) expect.fail(`we rejected it: ${binary.message}`);
        expect(hex(binary)).to.equal(hex(Buffer.from(answer.binary!, "base64")));
      });

      it("prints our bytes as python prints them", () => {
        const answer = printed[i]!;
        expect(answer.error, "python could not print our bytes").to.equal(undefined);
        const theirs = new Uint8Array(Buffer.from(parsed[i]!.binary!, "base64"));
        expect(registry.toJson(type, theirs)).to.deep.equal(answer.json);
      });
    });
  });

  describe("rejections", () => {
    let answers: PythonAnswer[] = [];
    before(function () {
      if (missingPython() !== undefined) this.skip();
      answers = askPython(INVALID_CASES.map(([type, json]) => ({ type, json })));
    });
    INVALID_CASES.forEach(([type, json], i) => {
      it(`both reject ${type} ${json}`, () => {
        expect(answers[i]!.error, "python accepted it").to.be.a("string");
        expect(() => registry.fromJson(type, json))
          .to.throw(GrpcError, /^INVALID_ARGUMENT: json: /)
          .with.property("code", Code.InvalidArgument);
      });
    });
    // Where python3-protobuf 3.21 is more lenient than the spec, tsgrpc follows the spec.
    for (const [type, json] of PYTHON_LENIENT_CASES)
      it(`rejects ${type} ${json} (python3-protobuf 3.21 accepts it)`, () => {
        expect(() => registry.fromJson(type, json))
          .to.throw(GrpcError, /^INVALID_ARGUMENT: json: /)
          .with.property("code", Code.InvalidArgument);
      });
  });
});
