/**
 * The contenders of the side-by-side comparison (issue 6), their installation (each peer apart, from its own
 * lockfile), versions, installed size and one-agent bundle size.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { repoRoot } from "./bundle-size.ts";
import { log } from "./section.ts";

export interface Contender {
  id: string;
  label: string;
  /** Absolute path of the module exporting `createAgent(baseURL)`. */
  adapter: string;
  /** The peer's own folder (with package.json and lockfile); absent for the baseline and Skein. */
  dir?: string;
  /** Packages whose versions are reported. */
  packages: string[];
}

const bench = path.join(repoRoot, "bench");
const peer = (id: string, label: string, packages: string[]): Contender => ({
  id,
  label,
  adapter: path.join(bench, "peers", id, "agent.ts"),
  dir: path.join(bench, "peers", id),
  packages,
});

export const contenders: Contender[] = [
  {
    id: "raw",
    label: "raw fetch loop (baseline)",
    adapter: path.join(bench, "raw-fetch-agent.ts"),
    packages: [],
  },
  {
    id: "skein",
    label: "Skein",
    adapter: path.join(bench, "skein", "skein-agent.ts"),
    packages: ["@skein/core"],
  },
  peer("mastra", "Mastra", ["@mastra/core"]),
  peer("openai-agents", "OpenAI Agents JS", ["@openai/agents", "openai"]),
  peer("ai-sdk", "Vercel AI SDK", ["ai", "@ai-sdk/openai-compatible"]),
  peer("langgraph", "LangGraph.js", ["@langchain/langgraph", "@langchain/openai", "@langchain/core"]),
  peer("strands", "Strands Agents", ["@strands-agents/sdk", "openai"]),
];

/** Installs a peer from its lockfile when its node_modules is missing; returns why it failed, if it did. */
export function ensureInstalled(c: Contender): string | undefined {
  if (!c.dir || existsSync(path.join(c.dir, "node_modules", ".package-lock.json"))) return undefined;
  const lock = existsSync(path.join(c.dir, "package-lock.json"));
  log(`installing ${c.label} (npm ${lock ? "ci" : "install"} --prefix ${path.relative(repoRoot, c.dir)})`);
  const npm = process.env.npm_execpath;
  const args = [lock ? "ci" : "install", "--prefix", c.dir, "--no-audit", "--no-fund", "--ignore-scripts"];
  const result = npm
    ? spawnSync(process.execPath, [npm, ...args], { encoding: "utf8" })
    : spawnSync("npm", args, { encoding: "utf8" });
  if (result.status === 0) return undefined;
  return `npm ${args[0]} failed (${result.status}): ${(result.stderr || result.stdout || String(result.error)).trim().split("\n").slice(-3).join(" ")}`;
}

function packageDir(c: Contender, name: string): string {
  if (name === "@skein/core") return path.join(repoRoot, "packages", "core");
  return path.join(c.dir ?? repoRoot, "node_modules", name);
}

export function versions(c: Contender): string {
  if (c.packages.length === 0) return "–";
  return c.packages
    .map((name) => {
      try {
        return `${name}@${JSON.parse(readFileSync(path.join(packageDir(c, name), "package.json"), "utf8")).version}`;
      } catch {
        return `${name}@?`;
      }
    })
    .join(", ");
}

function diskBytes(target: string): number {
  let total = 0;
  const stat = lstatSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.isSymbolicLink() ? 0 : stat.size;
  for (const entry of readdirSync(target)) total += diskBytes(path.join(target, entry));
  return total;
}

/** Production dependencies of a package, transitively, resolved in the repo's root node_modules. */
function rootDependencyClosure(names: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const manifest = path.join(repoRoot, "node_modules", name, "package.json");
    if (!existsSync(manifest)) continue;
    const json = JSON.parse(readFileSync(manifest, "utf8"));
    queue.push(...Object.keys(json.dependencies ?? {}));
  }
  return seen;
}

/**
 * Bytes on disk a user installs: the peer's whole node_modules (zod included); for Skein the core package's
 * source and its production dependencies, plus zod the same way; nothing for the baseline.
 */
export function installedBytes(c: Contender): number {
  if (c.dir) return diskBytes(path.join(c.dir, "node_modules"));
  if (c.id !== "skein") return 0;
  const core = path.join(repoRoot, "packages", "core");
  const manifest = JSON.parse(readFileSync(path.join(core, "package.json"), "utf8"));
  let total = diskBytes(path.join(core, "src")) + diskBytes(path.join(core, "package.json"));
  for (const dep of rootDependencyClosure([...Object.keys(manifest.dependencies ?? {}), "zod"])) {
    total += diskBytes(path.join(repoRoot, "node_modules", dep));
  }
  return total;
}

export interface BundleResult {
  bytes?: number;
  gzipBytes?: number;
  error?: string;
}

/** esbuild bundle of the one-agent entry (the adapter: the framework, the agent, its two tools), minified. */
export async function oneAgentBundle(c: Contender): Promise<BundleResult> {
  try {
    const result = await build({
      entryPoints: [c.adapter],
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      target: "node22",
      write: false,
      logLevel: "silent",
    });
    const out = result.outputFiles[0]!.contents;
    return { bytes: out.length, gzipBytes: gzipSync(out).length };
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors;
    const first = errors?.[0]?.text ?? String(error);
    return { error: `${errors?.length ?? 1} esbuild error(s), first: ${first}` };
  }
}

/** Environment for every framework process: production mode, every peer's telemetry and tracing off. */
export const workerEnv: Record<string, string> = {
  NODE_ENV: "production",
  MASTRA_TELEMETRY_DISABLED: "1",
  OPENAI_AGENTS_DISABLE_TRACING: "1",
  LANGCHAIN_TRACING_V2: "false",
  LANGSMITH_TRACING: "false",
  LANGCHAIN_TRACING: "false",
  OTEL_SDK_DISABLED: "true",
  DO_NOT_TRACK: "1",
  OPENAI_API_KEY: "bench-key",
};
