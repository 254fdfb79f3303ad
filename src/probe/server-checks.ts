import type { ServerCheck } from "./server-check.js";
import { CONNECTION_CHECKS } from "./server-checks-connection.js";
import { HEADER_CHECKS } from "./server-checks-headers.js";
import { MESSAGE_CHECKS } from "./server-checks-messages.js";
import { METADATA_CHECKS } from "./server-checks-metadata.js";

/** Every check of `tsgrpc probe server`, in report order. */
export const SERVER_CHECKS: readonly ServerCheck[] = [...HEADER_CHECKS, ...MESSAGE_CHECKS, ...METADATA_CHECKS, ...CONNECTION_CHECKS];
