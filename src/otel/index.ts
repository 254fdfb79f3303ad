// tsgrpc/otel: OpenTelemetry traces and gRFC A66 metrics for tsgrpc calls, as a client and a
// server interceptor. Needs the optional peer dependency @opentelemetry/api; "tsgrpc" itself
// never loads it. docs/OBSERVABILITY.md shows the setup.
export type { OpenTelemetryOptions } from "./options.js";
export { createClientInterceptor } from "./client-interceptor.js";
export { createServerInterceptor } from "./server-interceptor.js";
export { ATTRIBUTES, OTHER, canonicalTarget } from "./attributes.js";
export { LATENCY_BUCKETS_S, SIZE_BUCKETS_BYTES, INSTRUMENTATION_NAME } from "./instruments.js";
export { metadataGetter, metadataSetter } from "./metadata-carrier.js";
