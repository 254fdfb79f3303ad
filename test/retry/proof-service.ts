// The service of the scale-out proof: a unary echo and a bidi stream that answers after the
// client half-closed, both naming the backend that handled them.
import { defineService } from "../../src/service/index.js";
import { jsonCodec } from "../e2e/json-messages.js";

/** A unary request or bidi message: the call's id (and, for bidi, the message's sequence number). */
export interface ProofRequest {
  id: string;
  seq?: number;
}

/** An answer: the request and the backend that handled it. */
export interface ProofResponse {
  id: string;
  seq?: number;
  backend: string;
}

/** proof.Proof: echo (unary) and gather (bidi: every message echoed once the client half-closed). */
export const ProofService = defineService("proof.Proof", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  gather: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

/** What a backend tells its parent over IPC. */
export type BackendReport =
  | { type: "ready"; port: number }
  | { type: "report"; unary: string[]; bidi: string[] }
  | { type: "shutdown-done" };

/** What the parent tells a backend over IPC. */
export type BackendCommand = { type: "report" } | { type: "shutdown" } | { type: "exit" };
