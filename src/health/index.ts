// tsgrpc/health: the grpc.health.v1.Health service (Check, Watch, List) on the public API.
export { HealthService, addHealth, type HealthServiceOptions, type HealthStatus } from "./health-service.js";
/** The generated code of grpc/health/v1/health.proto: the Health service and its messages (for clients, or to register by hand). */
export { healthV1 } from "../grpc/index.js";
