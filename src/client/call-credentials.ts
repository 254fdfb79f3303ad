import { deadlineSignal } from "../deadline/index.js";
import { requestHeadToHeaders } from "../http2/index.js";
import { Metadata } from "../metadata/index.js";
import type { Method } from "../service/index.js";
import { Code, GrpcError, abortError, codeName, describeError } from "../status/index.js";
import type { CallSetup } from "./call-setup.js";
import { channelCore, type Channel } from "./channel.js";

/** What call credentials are told about the call they supply metadata for. */
export interface CallCredentialsContext {
  /**
   * The service's URL, "https://<authority>/<package.Service>": the audience gRPC's token
   * credentials (JWT) are issued for.
   */
  readonly serviceUrl: string;
  /** The method's path, "/package.Service/Method". */
  readonly methodPath: string;
  /** The call's `:authority`. */
  readonly authority: string;
  /** The call's deadline (epoch ms), or undefined for none. */
  readonly deadline: number | undefined;
  /**
   * Aborts when the call is cancelled or its deadline passes: hand it to whatever fetches a
   * token. The call does not wait for the credentials after that.
   */
  readonly signal: AbortSignal;
}

/**
 * Per-call credentials: supplies metadata (such as `authorization: Bearer <token>`) for each
 * call, synchronously or as a promise, for instance from a token cache refreshed in the
 * background. Set on a channel (`ChannelOptions.callCredentials`), on a call
 * (`CallOptions.callCredentials`), or both: the channel's run first, then the call's, and each
 * one's metadata is added to the call's.
 *
 * A function that throws or rejects fails the call UNAUTHENTICATED (doc/statuscodes.md:
 * "Credentials failed to get metadata"), naming the credentials; a GrpcError it throws keeps its
 * code, except the codes gRPC keeps for applications, which become INTERNAL (gRFC A54).
 */
export type CallCredentials = (context: CallCredentialsContext) => Metadata | Promise<Metadata>;

/**
 * Call credentials that run `credentials` in order and add up their metadata; a failure of any
 * fails the call.
 */
export function composeCallCredentials(...credentials: CallCredentials[]): CallCredentials {
  return async (context) => {
    const metadata = new Metadata();
    for (const one of credentials) metadata.merge(await one(context));
    return metadata;
  };
}

/** Which credentials a call runs, and where each came from (for messages). */
interface NamedCredentials {
  readonly credentials: CallCredentials;
  readonly source: "channel's" | "call's";
}

/** The credentials a call must run before it is sent: the channel's, then the call's. */
export function callCredentialsOf(channel: Channel, callCredentials: CallCredentials | undefined): readonly NamedCredentials[] | undefined {
  const ofChannel = channelCore(channel).callCredentials;
  if (ofChannel === undefined && callCredentials === undefined) return undefined;
  const list: NamedCredentials[] = [];
  if (ofChannel !== undefined) list.push({ credentials: ofChannel, source: "channel's" });
  if (callCredentials !== undefined) list.push({ credentials: callCredentials, source: "call's" });
  return list;
}

/** Status codes only applications may produce; credentials that fail with one fail INTERNAL (gRFC A54). */
const RESERVED_FOR_APPLICATIONS: ReadonlySet<Code> = new Set([
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.FailedPrecondition,
  Code.Aborted,
  Code.OutOfRange,
  Code.DataLoss,
]);

/**
 * Runs a call's credentials and returns its setup with their metadata in the request headers.
 *
 * Rejects UNAUTHENTICATED when the channel is plaintext and does not allow call credentials
 * (grpc-go and grpc-js refuse to send them in the clear too), or when a function throws, rejects
 * or returns something other than Metadata; DEADLINE_EXCEEDED or CANCELLED when the call's
 * deadline or signal ends the wait.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export async function applyCallCredentials<I>(
  channel: Channel,
  method: Method<I>,
  setup: CallSetup,
  list: readonly NamedCredentials[],
): Promise<CallSetup> {
  const core = channelCore(channel);
  if (core.scheme !== "https" && !core.allowInsecureCallCredentials)
    throw new GrpcError(
      Code.Unauthenticated,
      `credentials: the ${list[list.length - 1]!.source} call credentials need a TLS channel; this one is plaintext (set allowInsecureCallCredentials on the channel to send them anyway)`,
    );
  const deadline = setup.deadline;
  // One signal for the credentials: the deadline's, the caller's and the parent's. Listeners
  // rather than AbortSignal.any, so that a long-lived caller signal keeps nothing of this call.
  const timer = deadlineSignal(deadline ?? Infinity);
  const controller = new AbortController();
  const sources = [timer.signal, setup.signal, setup.parentSignal].filter((source) => source !== undefined);
  const onAbort = (event: Event): void => controller.abort((event.target as AbortSignal).reason);
  for (const source of sources) {
    if (source.aborted) controller.abort(source.reason);
    else source.addEventListener("abort", onAbort, { once: true });
  }
  const signal = controller.signal;
  const service = method.path.slice(0, Math.max(0, method.path.lastIndexOf("/")));
  const context: CallCredentialsContext = {
    serviceUrl: `https://${core.authority}${service}`,
    methodPath: method.path,
    authority: core.authority,
    deadline,
    signal,
  };
  const metadata = setup.metadata.clone();
  try {
    for (const { credentials, source } of list)
      mergeCredentialsMetadata(metadata, await runCredentials(credentials, source, context), source);
  } finally {
    timer.dispose();
    for (const source of sources) source.removeEventListener("abort", onAbort);
  }
  const now = Date.now();
  const headers = requestHeadToHeaders(
    {
      path: method.path,
      authority: core.authority,
      metadata,
      timeoutMs: deadline === undefined ? undefined : Math.max(1, deadline - now),
      encoding: setup.compression?.name,
      acceptEncoding: channel.acceptEncoding,
    },
    { scheme: core.scheme, userAgent: channel.userAgent },
  );
  return { ...setup, headers, metadata, credentials: undefined };
}

/**
 * Adds what one credentials function supplied to the call's metadata. A second value of a
 * single-valued key (`authorization` already in the call's metadata, or from earlier credentials)
 * is the application's mistake: a TypeError naming the credentials, never sent.
 */
function mergeCredentialsMetadata(metadata: Metadata, supplied: Metadata, source: string): void {
  try {
    metadata.merge(supplied);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(`credentials: the ${source} call credentials supplied metadata the call cannot send: ${error.message}`, {
      cause: error,
    });
  }
}

/** Runs one credentials function, bounded by the call's signal; every failure is a GrpcError naming it. */
function runCredentials(credentials: CallCredentials, source: string, context: CallCredentialsContext): Promise<Metadata> {
  const signal = context.signal;
  if (signal.aborted) return Promise.reject(waitError(signal, source));
  return new Promise<Metadata>((resolve, reject) => {
    const onAbort = (): void => reject(waitError(signal, source));
    signal.addEventListener("abort", onAbort, { once: true });
    const settle = (outcome: () => Metadata): void => {
      signal.removeEventListener("abort", onAbort);
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    let result: Metadata | Promise<Metadata>;
    try {
      result = credentials(context);
    } catch (error) {
      settle(() => {
        throw failure(error, source, signal);
      });
      return;
    }
    Promise.resolve(result).then(
      (metadata) => settle(() => checked(metadata, source)),
      (error: unknown) =>
        settle(() => {
          throw failure(error, source, signal);
        }),
    );
  });
}

function checked(metadata: unknown, source: string): Metadata {
  if (metadata instanceof Metadata) return metadata;
  throw new GrpcError(
    Code.Unauthenticated,
    `credentials: the ${source} call credentials returned ${metadata === null ? "null" : typeof metadata}, not Metadata`,
  );
}

/** The status of credentials that threw or rejected. */
function failure(error: unknown, source: string, signal: AbortSignal): GrpcError {
  // A function that gave up because the call's signal aborted (its fetch was cancelled) reports the abort.
  if (signal.aborted) return waitError(signal, source);
  if (error instanceof GrpcError) {
    if (!RESERVED_FOR_APPLICATIONS.has(error.code)) return error;
    return new GrpcError(
      Code.Internal,
      `credentials: the ${source} call credentials failed with ${codeName(error.code)}, a code reserved for applications (gRFC A54): ${error.statusMessage}`,
      { cause: error },
    );
  }
  return new GrpcError(Code.Unauthenticated, `credentials: the ${source} call credentials failed: ${describeError(error)}`, {
    cause: error,
  });
}

/** The call's deadline passed or it was cancelled while its credentials were running. */
function waitError(signal: AbortSignal, source: string): GrpcError {
  const reason = abortError(signal);
  if (reason.code === Code.DeadlineExceeded)
    return new GrpcError(Code.DeadlineExceeded, `deadline: exceeded while the ${source} call credentials were running`, { cause: reason });
  return reason;
}
