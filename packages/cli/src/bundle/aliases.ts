import { registerHooks } from "node:module";

/**
 * The workspace modules the built CLI carries (`npm run build` writes one file per entry in `packages/cli/dist`,
 * sharing chunks): import specifier → output file. `scripts/build.ts` builds these entries from the same map.
 */
export const BUNDLED_MODULES: Readonly<Record<string, string>> = {
  "@skein/core": "core.js",
  "@skein/core/testing": "core-testing.js",
  "@skein/core/mcp": "core-mcp.js",
  "@skein/core/telemetry": "core-telemetry.js",
  "@skein/memory": "memory.js",
  "@skein/memory/testing": "memory-testing.js",
  "@skein/runtime": "runtime.js",
};

let bundleDir: URL | undefined;
let aliased = false;

/** Called by the bundle's entry (`dist/skein.js`) with its folder; never when the CLI runs from its sources. */
export function setBundleDir(dir: URL): void {
  bundleDir = dir;
}

/**
 * Before the CLI imports the project's code (`skein.config.ts`, an agent file): when it runs from the bundle,
 * makes that code's imports of `@skein/core`, `@skein/memory` and `@skein/runtime` load the bundle's copies.
 * Without it they would load the TypeScript sources as a second copy, with classes of their own (`instanceof`
 * between the two, of errors and agents, would fail), and pay for stripping them. Registered this late because
 * every resolution after it runs through the hook.
 */
export function aliasBundledModules(): void {
  if (!bundleDir || aliased) return;
  aliased = true;
  const dir = bundleDir;
  const urls = new Map(
    Object.entries(BUNDLED_MODULES).map(([specifier, file]) => [specifier, new URL(file, dir).href]),
  );
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = urls.get(specifier);
      return url ? { url, format: "module", shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}
