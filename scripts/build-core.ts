// `npm run build:core`: compiles @skein/core to JavaScript in `packages/core/dist/`, what the package's `exports`
// serve by default. One ES module per entry point (`.`, `./testing`, `./mcp`, `./telemetry`) with shared chunks, so
// classes such as the error types exist once however many entries a program imports; declarations beside them.
// Inside this repository the `development` condition (vitest, tsc, the CLI bundle) reads `src/` instead.
//
// Why JavaScript at all: Node strips types from `.ts` files outside node_modules only, and even there the stripping
// (amaro's WebAssembly, once per file) costs ~200 ms of a cold `import('@skein/core')`; the compiled entry loads
// in about a tenth of that.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const coreDir = path.join(root, "packages/core");
export const coreDist = path.join(coreDir, "dist");

type Exports = Record<string, { development: string; types: string; default: string }>;

/** The entry points: each `exports` key with its `development` source file. */
export function coreEntryPoints(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(coreDir, "package.json"), "utf8")) as { exports: Exports };
  const entries: Record<string, string> = {};
  for (const target of Object.values(pkg.exports)) {
    const name = path.basename(target.default, ".js");
    entries[name] = path.join(coreDir, target.development);
  }
  return entries;
}

/** Every `.d.ts` under `dir`, recursively. */
function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return declarationFiles(file);
    return file.endsWith(".d.ts") ? [file] : [];
  });
}

/** Relative `.ts` specifiers in declarations point at the `.js` files a consumer's TypeScript maps to `.d.ts`. */
const RELATIVE_TS_SPECIFIER = /(from\s+|import\(\s*)(["'])(\.{1,2}\/[^"']+)\.ts\2/g;

export async function buildCore(): Promise<{ bytes: number }> {
  rmSync(coreDist, { recursive: true, force: true });
  const result = await build({
    entryPoints: coreEntryPoints(),
    outdir: coreDist,
    bundle: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    platform: "node",
    target: "node22",
    packages: "external", // dependencies and optional peers load from node_modules, as declared
    minifySyntax: true,
    minifyWhitespace: true,
    // Identifiers are not minified, so names stay as written (stack traces, `error.name`); no `keepNames`: its
    // `__name(...)` calls would run for every closure made and keep unused code (e.g. the lazily imported
    // tokenizer) from being tree-shaken by an application's bundler. A test checks that the exports keep their names.
    keepNames: false,
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  const tsc = path.join(root, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(coreDir, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  for (const file of declarationFiles(path.join(coreDist, "types"))) {
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(RELATIVE_TS_SPECIFIER, "$1$2$3.js$2"));
  }
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  return { bytes };
}

if (import.meta.main) {
  const started = performance.now();
  const { bytes } = await buildCore();
  console.error(
    `built ${path.relative(process.cwd(), coreDist)} (${(bytes / 1024).toFixed(0)} KiB of JS, declarations beside it) ` +
      `in ${Math.round(performance.now() - started)} ms`,
  );
}
