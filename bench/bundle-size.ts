/**
 * The core's minified bundle: esbuild bundles `packages/core/src/index.ts` with its dependencies, minified,
 * for Node. Reports bytes, gzip bytes, and the largest inputs (what to cut first when over budget).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import type { BenchOptions, Section } from "./section.ts";
import { fmtBytes, table } from "./stats.ts";

export const repoRoot = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
export const workDir = path.join(repoRoot, "bench", ".work");
export const coreEntry = path.join(repoRoot, "packages", "core", "src", "index.ts");

/** The budget from issue 2: 100 KB, read strictly as 100,000 bytes. */
export const BUNDLE_BUDGET_BYTES = 100_000;

export interface BundleMeasure {
  bytes: number;
  gzipBytes: number;
  /** Bytes each input contributes to the output, largest first. */
  inputs: { path: string; bytes: number }[];
  /** Packages reached from the entry only through dynamic `import()` (loaded lazily by Node, bundled anyway). */
  lazyPackages: string[];
  /** Written to disk for the import-time benchmark. */
  file: string;
}

export interface BundleOptions {
  /** Every package external: the core's own code only. */
  packagesExternal?: boolean;
  external?: string[];
  outName?: string;
}

const packageOf = (input: string): string | undefined =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

/** Packages whose every path from the entry goes through a dynamic `import()`. */
function lazyPackages(meta: Metafile, entry: string): string[] {
  const start = path.relative(process.cwd(), entry).split(path.sep).join("/");
  const eager = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const input = queue.pop()!;
    if (eager.has(input) || !meta.inputs[input]) continue;
    eager.add(input);
    for (const edge of meta.inputs[input].imports) if (edge.kind !== "dynamic-import") queue.push(edge.path);
  }
  const all = new Set(
    Object.keys(meta.inputs)
      .map(packageOf)
      .filter((p) => p !== undefined),
  );
  for (const input of eager) all.delete(packageOf(input)!);
  return [...all].sort();
}

export async function measureBundle(entry = coreEntry, options: BundleOptions = {}): Promise<BundleMeasure> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    metafile: true,
    packages: options.packagesExternal ? "external" : undefined,
    external: options.external,
    logLevel: "silent",
  });
  const output = result.outputFiles[0]!;
  const file = path.join(workDir, options.outName ?? "core.min.mjs");
  mkdirSync(workDir, { recursive: true });
  writeFileSync(file, output.contents);
  const meta = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(meta.inputs)
    .map(([p, v]) => ({ path: p, bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    bytes: output.contents.length,
    gzipBytes: gzipSync(output.contents).length,
    inputs,
    lazyPackages: lazyPackages(result.metafile, entry),
    file,
  };
}

/** The core's peer and optional dependencies: the user's choice to install, so not part of its budget. */
export function optionalDependencies(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "packages", "core", "package.json"), "utf8"));
  return [
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ];
}

/** What the budget applies to: the core with its dependencies, peer and optional dependencies left out. */
export const budgetBundle = (): Promise<BundleMeasure> =>
  measureBundle(coreEntry, { external: optionalDependencies(), outName: "core-budget.min.mjs" });

/** Bytes grouped by package (`node_modules/<pkg>`) or by core folder. */
function byOrigin(inputs: BundleMeasure["inputs"]): [string, number][] {
  const groups = new Map<string, number>();
  for (const { path: p, bytes } of inputs) {
    const key = packageOf(p) ?? p.replace(/^packages\/core\/src\/([^/]+)\/.*$/, "core: $1/");
    groups.set(key, (groups.get(key) ?? 0) + bytes);
  }
  return [...groups].sort((a, b) => b[1] - a[1]);
}

export async function bundleSize(_: BenchOptions): Promise<Section> {
  const budget = await budgetBundle();
  const lazy = budget.lazyPackages;
  const eager = await measureBundle(coreEntry, { external: lazy, outName: "core-eager.min.mjs" });
  const noDeps = await measureBundle(coreEntry, { packagesExternal: true, outName: "core-no-deps.min.mjs" });
  const within = budget.bytes <= BUNDLE_BUDGET_BYTES;
  const optional = optionalDependencies();
  const row = (label: string, m: BundleMeasure) => [label, fmtBytes(m.bytes), fmtBytes(m.gzipBytes)];
  const markdown = [
    "`esbuild packages/core/src/index.ts --bundle --minify --platform=node --format=esm --target=node22` " +
      "(through the JS API in `bench/bundle-size.ts`); gzip at zlib's default level.",
    "",
    table(
      ["bundle", "minified", "gzip"],
      [
        row(
          `@skein/core with its dependencies${optional.length ? ` (peer/optional external: ${optional.join(", ")})` : ""} — the budgeted figure`,
          budget,
        ),
        row(
          `the same with the packages it only \`import()\`s lazily external (${lazy.join(", ") || "none"})`,
          eager,
        ),
        row("@skein/core alone (every package external)", noDeps),
      ],
    ),
    "",
    `Budget ${BUNDLE_BUDGET_BYTES.toLocaleString("en-US")} bytes (minified, dependencies included, peer and optional ` +
      `dependencies excluded): **${within ? "within" : "over"}** (${budget.bytes.toLocaleString("en-US")} bytes). ` +
      "Largest contributors:",
    "",
    table(
      ["origin", "bytes in output"],
      byOrigin(budget.inputs)
        .slice(0, 8)
        .map(([k, v]) => [k, fmtBytes(v)]),
    ),
  ].join("\n");
  const brief = (m: BundleMeasure) => ({ ...m, inputs: m.inputs.slice(0, 20) });
  return {
    id: "bundle-size",
    title: "Bundle size of @skein/core",
    command: "npm run bench -- --only=bundle   (budget check alone: node bench/bundle-budget.ts)",
    markdown,
    data: { budget: brief(budget), eager: brief(eager), noDeps: brief(noDeps) },
  };
}

export function writeText(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
