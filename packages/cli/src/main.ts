#!/usr/bin/env node
import { enableCompileCache } from "node:module";
import packageJson from "../package.json" with { type: "json" };
import { MAIN_USAGE, parseTopLevel } from "./args.ts";
import type { ServeIo } from "./commands/serve.ts";
import { EXIT, UsageError } from "./errors.ts";

// V8's code cache on disk (os.tmpdir(), or NODE_COMPILE_CACHE) for the modules each command imports from here on,
// type-stripped sources included: later starts skip parsing and compiling them (NODE_DISABLE_COMPILE_CACHE=1: off).
enableCompileCache();

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
  // Each command's modules (the runtime for serve, dev and keys) load only when it runs.
  if (top.command === "serve") return (await import("./commands/serve.ts")).serveCommand(top.args, io);
  if (top.command === "dev") return (await import("./commands/dev.ts")).devCommand(top.args, io);
  if (top.command === "keys") return (await import("./commands/keys.ts")).keysCommand(top.args, io);
  const [{ chatCommand }, { modelFactories }] = await Promise.all([
    import("./commands/chat.ts"),
    import("./core-imports.ts"),
  ]);
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
