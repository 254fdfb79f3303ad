// Type tests of auth: call credentials return Metadata (sync or a promise), and certificate
// rotation takes certificate material only.
import {
  Channel,
  Metadata,
  type Server,
  composeCallCredentials,
  type CallCredentials,
  type PeerCertificate,
  type ServerContext,
} from "../../src/index.js";
import { expectTrue, type Equal } from "./assert.js";

const bearer: CallCredentials = async ({ signal }) => {
  signal.throwIfAborted();
  return new Metadata().set("authorization", "Bearer t");
};
const sync: CallCredentials = ({ serviceUrl, methodPath, authority, deadline }) =>
  new Metadata().set("x-audience", `${serviceUrl} ${methodPath} ${authority} ${deadline ?? "none"}`);
export const both: CallCredentials = composeCallCredentials(bearer, sync);
export const channel = new Channel("localhost:50051", { tls: true, callCredentials: bearer });
export const insecure = new Channel("localhost:50051", { callCredentials: bearer, allowInsecureCallCredentials: true });

// @ts-expect-error call credentials return Metadata, not a plain record
export const record: CallCredentials = () => ({ authorization: "Bearer t" });
// @ts-expect-error nor a string
export const text: CallCredentials = async () => "Bearer t";
// @ts-expect-error a function that returns nothing supplies no metadata
export const nothing: CallCredentials = async () => {};

export function handler(ctx: ServerContext): string | undefined {
  expectTrue<Equal<typeof ctx.peerCertificate, PeerCertificate | undefined>>();
  // @ts-expect-error the certificate may be missing (plaintext, no client certificate)
  const name: string = ctx.peerCertificate.commonName;
  const uri = ctx.peerCertificate?.subjectAltNames.uri[0];
  // @ts-expect-error the identity is read-only
  ctx.peerCertificate = undefined;
  return name ?? uri;
}

export function rotate(server: Server, cert: string, key: string): void {
  server.setTls({ cert, key });
  // @ts-expect-error whether client certificates are required is fixed at listen()
  server.setTls({ cert, key, requireClientCertificate: true });
  // @ts-expect-error a key is needed
  server.setTls({ cert });
}

// A single-valued key takes one string in Metadata.from: an array there is a compile error.
Metadata.from({ authorization: "Bearer t", "x-token": ["a", "b"] });
// @ts-expect-error authorization is single-valued
Metadata.from({ authorization: ["Bearer a", "Bearer b"] });
// @ts-expect-error user-agent is single-valued
Metadata.from({ "user-agent": ["a", "b"] });
