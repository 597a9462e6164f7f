#!/usr/bin/env node
import packageJson from "../package.json" with { type: "json" };
import { MAIN_USAGE, parseTopLevel } from "./args.ts";
import { chatCommand } from "./commands/chat.ts";
import type { ServeIo } from "./commands/serve.ts";
import { modelFactories } from "./core-imports.ts";
import { EXIT, UsageError } from "./errors.ts";

async function main(argv: string[]): Promise<number> {
  let top: ReturnType<typeof parseTopLevel>;
  try {
    top = parseTopLevel(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error [${error.code}]: ${error.message}\n\n${MAIN_USAGE}\n`);
    return EXIT.usage;
  }
  if (top.kind === "help") {
    process.stdout.write(`${MAIN_USAGE}\n`);
    return EXIT.ok;
  }
  if (top.kind === "version") {
    process.stdout.write(`${packageJson.version}\n`);
    return EXIT.ok;
  }
  const io: ServeIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
  // The runtime is imported only by the commands that use it.
  if (top.command === "serve") return (await import("./commands/serve.ts")).serveCommand(top.args, io);
  if (top.command === "dev") return (await import("./commands/dev.ts")).devCommand(top.args, io);
  if (top.command === "keys") return (await import("./commands/keys.ts")).keysCommand(top.args, io);
  return chatCommand(top.args, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    version: packageJson.version,
    factories: modelFactories,
  });
}

// exitCode rather than exit(): piped stdout is flushed before the process ends.
process.exitCode = await main(process.argv.slice(2));
