#!/usr/bin/env node
// `npx terminus-mock ...`: runs the binary this package carries with the same arguments,
// forwarding SIGINT and SIGTERM, and exits with its status.
import { spawn } from "node:child_process";
import { binaryPath } from "../index.js";

let binary;
try {
  binary = binaryPath();
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("error", (e) => {
  console.error(`terminus-mock: could not run ${binary}: ${e.message}`);
  process.exit(2);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
