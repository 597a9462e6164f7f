#!/usr/bin/env node
// The `skein` command: the built CLI (`npm run build` writes dist/skein.js) when present, else the TypeScript
// sources through Node's type stripping. The bundle needs module.registerHooks (Node >= 22.15).
import { existsSync } from "node:fs";
import module from "node:module";

// V8's code cache on disk (os.tmpdir(); NODE_DISABLE_COMPILE_CACHE=1 turns it off): later starts skip compiling.
module.enableCompileCache();
const built = new URL("../dist/skein.js", import.meta.url);
const useBuilt = existsSync(built) && typeof module.registerHooks === "function";
await import(useBuilt ? built.href : new URL("../src/main.ts", import.meta.url).href);
