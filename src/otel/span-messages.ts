import type { Span } from "@opentelemetry/api";
import { ATTRIBUTES } from "./attributes.js";

/**
 * Counts the messages of one call (or attempt) in each direction and their bytes on the wire,
 * and, when asked, adds the RPC conventions' "message" event to its span for each.
 * https://opentelemetry.io/docs/specs/semconv/rpc/rpc-spans/#events
 */
export class MessageTally {
  sentBytes = 0;
  receivedBytes = 0;
  private sentMessages = 0;
  private receivedMessages = 0;
  private readonly span: Span | undefined;

  /** `span` gets one event per message; undefined counts bytes only. */
  constructor(span: Span | undefined) {
    this.span = span;
  }

  /** MessageObserver: a message went out. */
  onMessageSent(bytes: number, compressed: boolean): void {
    this.sentBytes += bytes;
    this.sentMessages++;
    this.span?.addEvent("message", messageEvent("SENT", this.sentMessages, bytes, compressed));
  }

  /** MessageObserver: a message arrived. */
  onMessageReceived(bytes: number, compressed: boolean): void {
    this.receivedBytes += bytes;
    this.receivedMessages++;
    this.span?.addEvent("message", messageEvent("RECEIVED", this.receivedMessages, bytes, compressed));
  }
}

function messageEvent(type: "SENT" | "RECEIVED", id: number, bytes: number, compressed: boolean) {
  return {
    [ATTRIBUTES.messageType]: type,
    [ATTRIBUTES.messageId]: id,
    [compressed ? ATTRIBUTES.messageCompressedSize : ATTRIBUTES.messageUncompressedSize]: bytes,
  };
}
