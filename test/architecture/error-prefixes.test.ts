import { expect } from "chai";
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { SRC, folderOf, sourceFiles } from "./source-tree.js";

/**
 * The message prefixes of tsgrpc, listed once. Every error message starts with the name of the
 * layer that detected the problem, then ": ", so a status read in a log says where to look
 * ("framing: message of 5000000 bytes exceeds the receive limit of 4194304 bytes"). Each prefix
 * names one concern of the spec, and lists the folders that may use it: a folder uses its own
 * name, plus the concerns it is the one to detect (a deadline expiring while a connection is
 * awaited is still "deadline: "). A status received from the peer is passed on as it came.
 * A new prefix, or a folder using an existing one, is a row here first.
 *
 * One adaptation for limits: a message over a size limit names the side and the option instead
 * ("client: response of 5242880 bytes (5 MiB) exceeds maxReceiveMessageBytes 4194304 bytes (4 MiB)").
 * The role layer that knows both hands the label down (FrameQueue, EncodeOptions.limitName); the
 * framing and pipeline layers keep their own prefix when no label is given (tsgrpc/protocol users).
 */
const PREFIXES: Record<string, { names: string; folders: string[] }> = {
  "metadata: ": { names: "custom metadata keys, values, and their size on the wire", folders: ["metadata", "http2/client"] },
  "cancelled: ": {
    names: "a call cancelled by its caller (an AbortSignal, a closed iterator)",
    folders: ["status", "client", "otel", "web-client"],
  },
  "GrpcError: ": { names: "misuse of GrpcError itself (Code.Ok is not an error)", folders: ["status"] },
  "deadline: ": {
    names: "grpc-timeout and deadlines, wherever one expires",
    folders: ["deadline", "channel", "client", "http2/client", "server", "web-client"],
  },
  "framing: ": { names: "the Length-Prefixed-Message", folders: ["framing"] },
  "compression: ": { names: "grpc-encoding, grpc-accept-encoding, compressed data", folders: ["compression"] },
  "codec: ": { names: "message serialization", folders: ["codec", "protobuf"] },
  "wkt: ": { names: "the well-known type helpers (Timestamp, Duration, Any)", folders: ["wkt"] },
  "gen: ": { names: "the code generator's own misuse (its input errors are GenerateError, printed by the CLI)", folders: ["gen"] },
  "service: ": { names: "service and method descriptors", folders: ["service"] },
  "pipeline: ": { names: "messages to frames and back: size limits, the compressed flag", folders: ["pipeline"] },
  "cardinality violation: ": { names: "a call with the wrong number of messages (statuscodes.md)", folders: ["pipeline"] },
  "target: ": { names: "a channel target string", folders: ["channel"] },
  "backoff: ": { names: "connection backoff options", folders: ["channel"] },
  "DNS: ": { names: "name resolution through DNS", folders: ["channel"] },
  "resolver: ": { names: "name resolution through a custom resolver", folders: ["channel"] },
  "channel: ": { names: "the channel's own state and options", folders: ["channel", "http2/client"] },
  "connect: ": { names: "opening a connection (TCP, unix socket)", folders: ["channel", "http2", "http2/client"] },
  "health: ": {
    names: "health checking: the client side (gRFC A17, the Watch call and its messages) and the grpc.health.v1 service",
    folders: ["channel", "client", "health"],
  },
  "tls: ": { names: "the TLS handshake and certificates", folders: ["http2"] },
  "transport: ": { names: "any other socket failure node reports", folders: ["http2"] },
  "http2: ": { names: "HTTP/2 streams and sessions: resets, GOAWAY, keepalive pings", folders: ["http2", "http2/client", "http2/server"] },
  "keepalive: ": { names: "the client's keepalive pings (keepalive.md)", folders: ["http2/client"] },
  "http: ": { names: "an HTTP response that carries no valid gRPC status", folders: ["http2"] },
  "protocol: ": { names: "a response that breaks gRPC's HTTP/2 mapping (content-type, missing trailers)", folders: ["http2/client"] },
  "server: ": { names: "the server: routing, handlers, options, shutdown", folders: ["server", "http2/server", "web"] },
  "web: ": { names: "the web protocols: gRPC-Web, Connect, CORS, their requests and options", folders: ["web"] },
  "service config: ": {
    names: "a service config (gRFC A2): the JSON path and the rule it breaks",
    folders: ["service-config", "channel", "client"],
  },
  "client: ": { names: "the client: call options, unexpected failures, its side of TLS", folders: ["client", "cli", "http2/client"] },
  "trace: ": { names: "the tracer and logger options, TSGRPC_TRACE filters", folders: ["trace"] },
  "json: ": { names: "the proto3 JSON mapping: the message type, the field path, what was wrong", folders: ["json"] },
  "descriptor: ": { names: "FileDescriptorProtos and the TypeRegistry: missing imports, unknown types", folders: ["descriptor"] },
  "interop: ": { names: "the interop client and server: their flags, cases and test service", folders: ["interop"] },
  "web client: ": { names: "the browser client (tsgrpc/web): its options, fetch, gRPC-Web and Connect responses", folders: ["web-client"] },
  "credentials: ": { names: "per-call credentials: refused over plaintext, or failing to supply metadata", folders: ["client"] },
  "probe: ": { names: "the spec probe's own misuse and its wire helpers (tsgrpc probe)", folders: ["probe"] },
};

/**
 * Messages that are not a literal at the place they are built, each with the reason it needs no
 * prefix of its own there (file relative to src/, the expression as written).
 */
const PASSED_THROUGH: Record<string, string> = {
  "status/grpc-error.ts: message": "GrpcError.from's parameter; its callers' literals are checked",
  "framing/frame-decoder.ts: message": "FrameDecoder's #fail(code, message); its callers' literals are checked",
  "http2/trailers.ts: message": "the peer's grpc-message, reported as it came",
  'http2/node-error.ts: `${error.syscall ?? "connect"}: ${code}${where ? ` ${where}` : ""}`':
    "names the failed system call as node does (connect, getaddrinfo, ...); connect: by default",
  "channel/balancer.ts: this.describeFailure()": "the last connection or resolver failure's message, or connect: ...",
  "server/serve-call.ts: runtime.router.describeMissing(stream.head.path)": "Router.describeMissing returns server: ... texts",
  "wkt/rich-error.ts: message": "richError's parameter: the application's own status message, sent as the user wrote it",
  "client/call-setup.ts: status.statusMessage": "a compression status re-coded as INTERNAL keeps its compression: message",
  "interop/test-service.ts: status.message": "the interop Echo Status: the status message the client asked the server to send",
  "web-client/connect-error.ts: message": "the server's Connect error message, reported as it came",
  "web-client/grpc-web-response.ts: text": "the peer's grpc-message, reported as it came",
  "client/call-site.ts: error.statusMessage": "a failed call's status copied with the caller's stack frames, message unchanged",
  "framing/frame-decoder.ts: this.#tooLarge(length)":
    'framing: ..., or the side\'s own limit message when the role layer named it ("client: response of ...", see FrameDecoder)',
  "cli/reflection-client.ts: errorMessage": "the reflection server's error_response message, reported as it came",
  "pipeline/encode-message.ts: tooLarge":
    'pipeline: ..., or the side\'s own limit message when the role layer named it ("server: response of ...")',
};

/** Where a message is an argument: the call, and which argument (0-based). */
const MESSAGE_ARGUMENTS: [RegExp, number][] = [
  [/new GrpcError\(/g, 1],
  [/GrpcError\.from\(/g, 2],
  [/new (?:TypeError|RangeError)\(/g, 0],
  [/this\.#fail\(/g, 1],
];

/** The end of the string or template literal that starts at `at` (the index after its closing quote). */
function skipLiteral(text: string, at: number): number {
  const quote = text[at]!;
  let i = at + 1;
  let depth = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\") i += 2;
    else if (quote === "`" && c === "$" && text[i + 1] === "{") {
      depth++;
      i += 2;
    } else if (quote === "`" && depth > 0 && c === "`") i = skipLiteral(text, i);
    else if (quote === "`" && depth > 0 && c === "}") {
      depth--;
      i++;
    } else if (c === quote && depth === 0) return i + 1;
    else i++;
  }
  throw new Error(`unterminated literal at ${at}`);
}

/** The arguments of the call whose "(" is at `open`, as written (trimmed). */
function argumentsAt(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < text.length; ) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
      depth--;
    } else if (c === "," && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  throw new Error(`unclosed call at ${open}`);
}

/** The literal texts an expression can evaluate to, when it is literals (joined by ?: at most); undefined otherwise. */
function literalsOf(expression: string): string[] | undefined {
  const literals: string[] = [];
  let outside = "";
  for (let i = 0; i < expression.length; ) {
    const c = expression[i]!;
    if (c === '"' || c === "'" || c === "`") {
      const end = skipLiteral(expression, i);
      literals.push(expression.slice(i + 1, end - 1));
      i = end;
    } else {
      outside += c;
      i++;
    }
  }
  // A template that opens with a substitution has no fixed prefix to check.
  if (literals.length === 0 || literals.some((literal) => literal.startsWith("${"))) return undefined;
  return /^[\s\w.=!?:()]*$/.test(outside) ? literals : undefined;
}

interface Message {
  site: string;
  folder: string;
  text: string | undefined;
  expression: string;
}

function messages(): Message[] {
  const found: Message[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const name = relative(SRC, file).split(sep).join("/");
    for (const [pattern, index] of MESSAGE_ARGUMENTS)
      for (const match of text.matchAll(pattern)) {
        const expression = argumentsAt(text, match.index! + match[0].length - 1)[index];
        if (expression === undefined || expression === "") continue;
        const line = text.slice(0, match.index).split("\n").length;
        const literals = literalsOf(expression);
        if (literals === undefined) found.push({ site: `${name}: ${expression}`, folder: folderOf(file), text: undefined, expression });
        else for (const literal of literals) found.push({ site: `${name}:${line}`, folder: folderOf(file), text: literal, expression });
      }
  }
  return found;
}

describe("architecture: error message prefixes", () => {
  const found = messages();

  it("finds the messages (the scan works)", () => {
    expect(found.length).to.be.greaterThan(80);
    expect(found.some((message) => message.text?.startsWith("framing: stream ended inside a message"))).to.equal(true);
  });

  it("every prefix is 'word: ' and says what it names", () => {
    for (const [prefix, { names, folders }] of Object.entries(PREFIXES)) {
      expect(prefix).to.match(/^[A-Za-z][\w -]*: $/);
      expect(names, prefix).to.not.equal("");
      expect(folders, prefix).to.not.be.empty;
    }
  });

  for (const message of found.filter((message) => message.text !== undefined))
    it(`${message.site} "${message.text!.slice(0, 48)}" starts with a prefix of ${message.folder}/`, () => {
      const prefix = Object.keys(PREFIXES).find((candidate) => message.text!.startsWith(candidate));
      expect(prefix, `${message.site}: ${message.text} has no known prefix`).to.not.equal(undefined);
      expect(PREFIXES[prefix!]!.folders, `${message.site}: "${prefix}" is not listed for ${message.folder}/`).to.include(message.folder);
    });

  it("every message that is not a literal is a known pass-through", () => {
    const unknown = found
      .filter((message) => message.text === undefined && !(message.site in PASSED_THROUGH))
      .map((message) => message.site);
    expect(unknown).to.deep.equal([]);
  });

  it("every listed pass-through and prefix is still in use", () => {
    const sites = new Set(found.map((message) => message.site));
    for (const site of Object.keys(PASSED_THROUGH)) expect(sites.has(site), site).to.equal(true);
    for (const prefix of Object.keys(PREFIXES))
      expect(
        found.some((message) => message.text?.startsWith(prefix)),
        prefix,
      ).to.equal(true);
  });
});
