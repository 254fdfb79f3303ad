#!/usr/bin/env node
// The `tsgrpc` bin: a subcommand dispatcher (`tsgrpc gen`, `tsgrpc trace`, `tsgrpc help`).
import { runCli } from "./run-cli.js";

const code = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
if (typeof code === "number") process.exitCode = code;
else void code.then((done) => (process.exitCode = done));
