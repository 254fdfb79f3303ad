#!/usr/bin/env node
// The `tsgrpc` bin: a subcommand dispatcher (`tsgrpc gen`, `tsgrpc help`).
import { runCli } from "./run-cli.js";

process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
