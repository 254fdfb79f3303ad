// The HTTP headers of the web protocols (gRPC-Web, Connect, CORS), spelled once.

export const CONTENT_ENCODING = "content-encoding";
export const CONTENT_LENGTH = "content-length";
export const ACCEPT_ENCODING = "accept-encoding";
export const ACCEPT_POST = "accept-post";
/** Connect unary: trailing metadata travels as headers with this prefix. */
export const TRAILER_PREFIX = "trailer-";
export const CONNECT_PROTOCOL_VERSION = "connect-protocol-version";
export const CONNECT_TIMEOUT_MS = "connect-timeout-ms";
export const CONNECT_CONTENT_ENCODING = "connect-content-encoding";
export const CONNECT_ACCEPT_ENCODING = "connect-accept-encoding";
export const ORIGIN = "origin";
export const VARY = "vary";
export const ACCESS_CONTROL_ALLOW_ORIGIN = "access-control-allow-origin";
export const ACCESS_CONTROL_ALLOW_CREDENTIALS = "access-control-allow-credentials";
export const ACCESS_CONTROL_ALLOW_METHODS = "access-control-allow-methods";
export const ACCESS_CONTROL_ALLOW_HEADERS = "access-control-allow-headers";
export const ACCESS_CONTROL_EXPOSE_HEADERS = "access-control-expose-headers";
export const ACCESS_CONTROL_MAX_AGE = "access-control-max-age";
export const ACCESS_CONTROL_REQUEST_METHOD = "access-control-request-method";
export const ACCESS_CONTROL_REQUEST_HEADERS = "access-control-request-headers";
