#!/usr/bin/env node
// The `tsgrpc` bin: a subcommand dispatcher (`tsgrpc call`, `list`, `describe`, `health`, `gen`, `trace`, `help`).
import { runCli } from "./run-cli.js";

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
