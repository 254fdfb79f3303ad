/**
 * Hears each message of one call as it crosses the wire, for instrumentation (tsgrpc/otel
 * records gRFC A66's message-size metrics with it). `bytes` is the message as sent or received:
 * after compression, without the 5-byte Length-Prefixed-Message header; `compressed` is its
 * Compressed-Flag. Called synchronously on the call's path, so it must be cheap and must not throw.
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md
 */
export interface MessageObserver {
  /** A message went out (a request on the client, a response on the server). */
  onMessageSent(bytes: number, compressed: boolean): void;
  /** A message arrived (a response on the client, a request on the server). */
  onMessageReceived(bytes: number, compressed: boolean): void;
}
