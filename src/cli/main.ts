#!/usr/bin/env node
// The `tsgrpc` bin: a subcommand dispatcher (`tsgrpc call`, `list`, `describe`, `health`, `gen`, `trace`, `help`).
import { runCli } from "./run-cli.js";

// A reader that stops early (`tsgrpc call ... | head`) closes stdout: stop quietly, as a shell tool does, not with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") process.stderr.write(`tsgrpc: stdout: ${error.message}\n`);
  process.exit(error.code === "EPIPE" ? (process.exitCode ?? 0) : 70);
});

const code = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
if (typeof code === "number") process.exitCode = code;
else
  void code.then((done) => {
    process.exitCode = done;
    // A call that ended before its requests did (a server closing a bidi stream) leaves stdin open: let the process exit.
    if (process.stdin.readableFlowing !== null) process.stdin.destroy();
  });
