/**
 * Every HTTP/2 header name and fixed header value gRPC uses, spelled once.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export const HEADER_METHOD = ":method";
export const HEADER_SCHEME = ":scheme";
export const HEADER_PATH = ":path";
export const HEADER_AUTHORITY = ":authority";
export const HEADER_STATUS = ":status";
export const HEADER_TE = "te";
export const HEADER_CONTENT_TYPE = "content-type";
export const HEADER_USER_AGENT = "user-agent";
export const HEADER_ALLOW = "allow";
export const GRPC_TIMEOUT = "grpc-timeout";
export const GRPC_ENCODING = "grpc-encoding";
export const GRPC_ACCEPT_ENCODING = "grpc-accept-encoding";
export const GRPC_STATUS = "grpc-status";
export const GRPC_MESSAGE = "grpc-message";
export const GRPC_STATUS_DETAILS_BIN = "grpc-status-details-bin";

/** The only request method gRPC allows. */
export const METHOD_POST = "POST";
/** The `te` value a gRPC request must carry, so intermediaries keep trailers. */
export const TE_TRAILERS = "trailers";
/** The content-type tsgrpc sends; `application/grpc+proto` means the same thing. */
export const CONTENT_TYPE_GRPC = "application/grpc";
/** Request header of a retried or hedged attempt: how many attempts came before it (gRFC A6). */
export const GRPC_PREVIOUS_RPC_ATTEMPTS = "grpc-previous-rpc-attempts";
/** Trailer by which a server asks for a retry delay in ms, or (negative) for no retry (gRFC A6). */
export const GRPC_RETRY_PUSHBACK_MS = "grpc-retry-pushback-ms";
