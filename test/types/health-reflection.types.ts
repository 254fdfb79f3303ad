// Type tests of tsgrpc/health and tsgrpc/reflection: a status is one of the three a service can
// be set to (SERVICE_UNKNOWN is only what Watch reports), and both services register in one line.
import { Server } from "../../src/index.js";
import { type HealthStatus, type HealthService, addHealth } from "../../src/health/index.js";
import { addReflection } from "../../src/reflection/index.js";
import { expectTrue, type Equal } from "./assert.js";

const server: Server = addReflection(new Server());
const health: HealthService = addHealth(server, { statuses: { "": "SERVING", "pkg.Service": "NOT_SERVING" } });
health.set("pkg.Service", "SERVING");
health.set("", "UNKNOWN");
expectTrue<Equal<ReturnType<HealthService["get"]>, HealthStatus | undefined>>();

// @ts-expect-error SERVICE_UNKNOWN is what Watch says of a service with no status; it cannot be set
health.set("pkg.Service", "SERVICE_UNKNOWN");
// @ts-expect-error a status is a name, not the wire number
health.set("pkg.Service", 1);
// @ts-expect-error statuses are HealthStatus names
addHealth(server, { statuses: { a: "serving" } });
// @ts-expect-error addReflection takes the server
addReflection();
