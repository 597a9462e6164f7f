// `npm run build`: bundles the CLI with the runtime, core and memory into `packages/cli/dist/skein.js` (and one file
// per module in BUNDLED_MODULES, sharing chunks), so `skein serve` starts without type-stripping ~150 files and
// resolving ~500 files of npm packages. `node packages/cli/src/main.ts` keeps running the sources.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BUNDLED_MODULES, type SharedPackages } from "../packages/cli/src/bundle/aliases.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * npm packages bundled in as well: the runtime's and core's own plumbing, which no project code shares objects
 * with (loading them as packages costs ~100 ms of resolving and linking hundreds of files at every start), and
 * SHARED_PACKAGES. pino with its dependencies (~30 CommonJS files, ~3 ms): the runtime's logger never uses pino's
 * transports, the one part that runs files by path (a worker thread), so they are not available from the bundle.
 * Everything else stays external and loads from node_modules: sqlite-vec (a native extension found by path), the
 * MCP SDK and the Qwen tokenizer (loaded only when used).
 */
export const BUNDLED_DEPENDENCIES = [
  "hono",
  "@hono/node-server",
  "prom-client",
  "@opentelemetry/",
  "@cfworker/json-schema",
  "@standard-schema/spec",
  "pino",
  "@pinojs/redact",
  "atomic-sleep",
  "on-exit-leak-free",
  "pino-abstract-transport",
  "pino-std-serializers",
  "process-warning",
  "quick-format-unescaped",
  "real-require",
  "safe-stable-stringify",
  "sonic-boom",
  "thread-stream",
];

/**
 * npm packages bundled that projects import too: zod (tools' schemas; ~100 files, ~15 ms to load as a package,
 * a few chunks bundled). Each ESM subpath it exports becomes an entry of its own, and a project's imports of them load
 * the bundle's copy when its installed version is the one bundled (`aliasBundledModules`), so there is one copy.
 */
export const SHARED_PACKAGES = ["zod"];

export interface BuildOptions {
  outdir?: string;
  /** Bundle BUNDLED_DEPENDENCIES too (default true); false keeps every npm package external. */
  bundleDependencies?: boolean;
}

const isBundled = (specifier: string) =>
  [...BUNDLED_DEPENDENCIES, ...SHARED_PACKAGES].some((name) =>
    name.endsWith("/") ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`),
  );

type PackageExports = Record<string, string | Record<string, string>>;

/**
 * The shared packages' ESM subpaths (`zod`, `zod/mini`, `zod/v4/core` ...; not `*` patterns) as entries: output
 * name (`zod-v4-core`) → file, and the manifest the bundle's entry gets.
 */
function sharedEntries(): { entries: Record<string, string>; manifest: SharedPackages } {
  const entries: Record<string, string> = {};
  const manifest: Record<string, { version: string; files: Record<string, string> }> = {};
  for (const name of SHARED_PACKAGES) {
    const dir = path.join(root, "node_modules", name);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      version: string;
      exports: PackageExports;
    };
    const files: Record<string, string> = {};
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const file = typeof target === "string" ? target : target.import;
      if (subpath.includes("*") || !file?.endsWith(".js")) continue;
      const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
      const output = specifier.replace(/[@/]/g, (c) => (c === "/" ? "-" : "")).replace(/^-/, "");
      entries[output] = path.join(dir, file);
      files[specifier] = `${output}.js`;
    }
    manifest[name] = { version: pkg.version, files };
  }
  return { entries, manifest };
}

/** Builds the CLI bundle; resolves with the total size of its JavaScript. */
export async function buildCli(options: BuildOptions = {}): Promise<{ outdir: string; bytes: number }> {
  const outdir = options.outdir ?? path.join(root, "packages/cli/dist");
  const bundleDependencies = options.bundleDependencies ?? true;
  const entryPoints: Record<string, string> = { skein: path.join(root, "packages/cli/src/bundle/entry.ts") };
  // esbuild resolves a package specifier as an entry point too, with the `development` condition below: the
  // workspace packages' sources, as their imports inside the bundle (node's resolution would give core's dist/).
  for (const [specifier, file] of Object.entries(BUNDLED_MODULES))
    entryPoints[file.replace(/\.js$/, "")] = specifier;
  const shared = bundleDependencies ? sharedEntries() : { entries: {}, manifest: {} };
  Object.assign(entryPoints, shared.entries);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true, // one copy of each module across the entries; commands load only their own chunks
    format: "esm",
    platform: "node",
    conditions: ["development"], // the workspace's @skein/* packages from their sources, not their dist/
    target: "node22",
    minify: true,
    sourcemap: true,
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
    define: { SKEIN_SHARED_PACKAGES: JSON.stringify(shared.manifest) },
    // Bundled CommonJS packages (prom-client, OpenTelemetry) call require() for Node's modules.
    banner: {
      js: 'import{createRequire as __skeinRequire}from"node:module";const require=__skeinRequire(import.meta.url);',
    },
    plugins: [
      {
        name: "externals",
        setup(b) {
          // Bare specifiers load from node_modules at run time, but for the workspace's @skein/* packages and
          // BUNDLED_DEPENDENCIES.
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("@skein/") || (bundleDependencies && isBundled(args.path))
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  return { outdir, bytes };
}

if (import.meta.main) {
  const started = performance.now();
  const { outdir, bytes } = await buildCli();
  const relative = path.relative(process.cwd(), path.join(outdir, "skein.js"));
  // stderr: `npm run -s build && skein keys ...` keeps stdout for the command's own output.
  console.error(
    `built ${relative} (${(bytes / 1024).toFixed(0)} KiB of JS) in ${Math.round(performance.now() - started)} ms`,
  );
}
