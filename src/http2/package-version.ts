// Generated from package.json by scripts/write-version.mjs before every build; do not edit.

/** The version tsgrpc reports in `user-agent`: package.json's version, written in at build time. */
export const TSGRPC_VERSION = "0.1.0";
