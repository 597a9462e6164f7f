import { readFileSync } from "node:fs";
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

/**
 * An npm package the bundle carries that projects import too (zod: tools' schemas): its version, and each of its
 * ESM subpaths (`zod`, `zod/v4/core` ...) → the output file. Written by `scripts/build.ts` into the bundle's entry.
 */
export interface SharedPackage {
  version: string;
  files: Readonly<Record<string, string>>;
}
export type SharedPackages = Readonly<Record<string, SharedPackage>>;

let bundleDir: URL | undefined;
let sharedPackages: SharedPackages = {};
let aliased = false;

/** Called by the bundle's entry (`dist/skein.js`) with its folder; never when the CLI runs from its sources. */
export function setBundleDir(dir: URL, shared: SharedPackages = {}): void {
  bundleDir = dir;
  sharedPackages = shared;
}

const packageNameOf = (specifier: string): string => {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
};

/** The version in the package.json of the installed package `name` that `url` (a file in it) belongs to. */
function installedVersion(
  url: string,
  name: string,
  cache: Map<string, string | undefined>,
): string | undefined {
  const marker = `/node_modules/${name}/`;
  const at = url.lastIndexOf(marker);
  if (!url.startsWith("file:") || at < 0) return undefined;
  const manifest = url.slice(0, at + marker.length) + "package.json";
  if (!cache.has(manifest)) {
    try {
      cache.set(
        manifest,
        (JSON.parse(readFileSync(new URL(manifest), "utf8")) as { version?: string }).version,
      );
    } catch {
      cache.set(manifest, undefined);
    }
  }
  return cache.get(manifest);
}

/**
 * Before the CLI imports the project's code (`skein.config.ts`, an agent file): when it runs from the bundle,
 * makes that code's imports of `@skein/core`, `@skein/memory` and `@skein/runtime` load the bundle's copies.
 * Without it they would load the TypeScript sources as a second copy, with classes of their own (`instanceof`
 * between the two, of errors and agents, would fail), and pay for stripping them. Imports of a shared npm package
 * (zod) load the bundle's copy too, but only where Node would have loaded the very same version from
 * node_modules: one copy for the runtime and the project, one file instead of ~100 to load. A project on another
 * version keeps its own. Registered this late because every resolution after it runs through the hook.
 */
export function aliasBundledModules(): void {
  if (!bundleDir || aliased) return;
  aliased = true;
  const dir = bundleDir;
  const urls = new Map(
    Object.entries(BUNDLED_MODULES).map(([specifier, file]) => [specifier, new URL(file, dir).href]),
  );
  const shared = sharedPackages;
  const versions = new Map<string, string | undefined>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = urls.get(specifier);
      if (url) return { url, format: "module", shortCircuit: true };
      const name = packageNameOf(specifier);
      const bundled = Object.hasOwn(shared, name) ? shared[name] : undefined;
      const file = bundled && Object.hasOwn(bundled.files, specifier) ? bundled.files[specifier] : undefined;
      const resolved = nextResolve(specifier, context);
      // ESM imports only: a require() keeps the package's CommonJS build, as it would without the bundle.
      if (!file || !context.conditions.includes("import")) return resolved;
      if (installedVersion(resolved.url, name, versions) !== bundled!.version) return resolved;
      return { url: new URL(file, dir).href, format: "module", shortCircuit: true };
    },
  });
}
