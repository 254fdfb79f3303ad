/**
 * Promise helpers around @grpc/grpc-js calls for the interop cases: each resolves with what a
 * case asserts on (responses, initial metadata, status with trailers) instead of callbacks.
 */
import grpc from "@grpc/grpc-js";

/** A message as proto-loader decodes it: a plain object with the proto field names. */
export type Message = Record<string, any>;

/** A finished call: its responses (possibly none), initial metadata and final status. */
export interface CallResult {
  responses: Message[];
  headers: grpc.Metadata | undefined;
  status: grpc.StatusObject;
}

/** Per-call options every case passes: metadata and deadline. */
export interface CallSettings {
  metadata?: grpc.Metadata;
  deadline?: number;
}

type AnyCall =
  | grpc.ClientUnaryCall
  | grpc.ClientReadableStream<Message>
  | grpc.ClientWritableStream<Message>
  | grpc.ClientDuplexStream<Message, Message>;

/** Waits for a call's 'status' (always emitted last); also records initial metadata. */
export function settle(call: AnyCall): Promise<{ headers: grpc.Metadata | undefined; status: grpc.StatusObject }> {
  let headers: grpc.Metadata | undefined;
  const events = call as unknown as NodeJS.EventEmitter;
  events.on("metadata", (metadata: grpc.Metadata) => (headers = metadata));
  // grpc-js emits 'error' for a non-OK status and then 'status', which carries the same code.
  events.on("error", () => undefined);
  return new Promise((resolve) => events.on("status", (status: grpc.StatusObject) => resolve({ headers, status })));
}

function method(client: grpc.Client, name: string): (...args: any[]) => AnyCall {
  const fn = (client as unknown as Record<string, (...args: any[]) => AnyCall>)[name];
  if (typeof fn !== "function") throw new TypeError(`the loaded proto has no method ${name}`);
  return fn.bind(client);
}

/** Runs a unary call. */
export async function unary(client: grpc.Client, name: string, request: Message, settings: CallSettings = {}): Promise<CallResult> {
  let response: Message | undefined;
  const call = method(client, name)(
    request,
    settings.metadata ?? new grpc.Metadata(),
    { deadline: settings.deadline },
    (_error: unknown, value?: Message) => {
      response = value;
    },
  );
  const { headers, status } = await settle(call);
  return { responses: response === undefined ? [] : [response], headers, status };
}

/** Runs a server-streaming call and collects every response. */
export async function serverStreaming(
  client: grpc.Client,
  name: string,
  request: Message,
  settings: CallSettings = {},
): Promise<CallResult> {
  const call = method(client, name)(request, settings.metadata ?? new grpc.Metadata(), { deadline: settings.deadline });
  const responses: Message[] = [];
  (call as grpc.ClientReadableStream<Message>).on("data", (response: Message) => responses.push(response));
  const { headers, status } = await settle(call);
  return { responses, headers, status };
}

/**
 * Runs a client-streaming call; `flags` per request are grpc-js write flags
 * (grpc-js reads a numeric `encoding` argument of write() as flags, e.g. 2 = NoCompress).
 */
export async function clientStreaming(
  client: grpc.Client,
  name: string,
  requests: readonly { message: Message; flags?: number }[],
  settings: CallSettings = {},
): Promise<CallResult> {
  let response: Message | undefined;
  const call = method(client, name)(
    settings.metadata ?? new grpc.Metadata(),
    { deadline: settings.deadline },
    (_error: unknown, value?: Message) => {
      response = value;
    },
  ) as grpc.ClientWritableStream<Message>;
  const settled = settle(call);
  for (const { message, flags } of requests) call.write(message, flags as unknown as BufferEncoding);
  call.end();
  const { headers, status } = await settled;
  return { responses: response === undefined ? [] : [response], headers, status };
}

/** Opens a bidi call and returns it with a pull-style reader of its responses. */
export function openDuplex(client: grpc.Client, name: string, settings: CallSettings = {}) {
  const call = method(client, name)(settings.metadata ?? new grpc.Metadata(), { deadline: settings.deadline }) as grpc.ClientDuplexStream<
    Message,
    Message
  >;
  const settled = settle(call);
  const queue: Message[] = [];
  const waiters: ((message: Message | undefined) => void)[] = [];
  let ended = false;
  call.on("data", (message: Message) => {
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const close = (): void => {
    ended = true;
    for (const waiter of waiters.splice(0)) waiter(undefined);
  };
  call.on("end", close);
  void settled.then(close);
  /** The next response, or undefined once the server has finished. */
  const next = (): Promise<Message | undefined> => {
    if (queue.length > 0) return Promise.resolve(queue.shift());
    if (ended) return Promise.resolve(undefined);
    return new Promise((resolve) => waiters.push(resolve));
  };
  return { call, next, settled };
}
