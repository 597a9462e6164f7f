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
        mcp: Object.keys(mcp).length, telemetry: Object.keys(telemetry).length,
        text: result.text, stopReason: result.stopReason, results,
        errorClass: new core.RunCancelledError().name,
      }));
    `);
    const report = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(report.url).toBe(`file://${path.join(dist, "index.js")}`);
    expect(report.core).toEqual(Object.keys(source).sort());
    expect(report.testing).toEqual(Object.keys(sourceTesting).sort());
    expect(report.mcp).toBeGreaterThan(0);
    expect(report.telemetry).toBeGreaterThan(0);
    expect(report).toMatchObject({ text: "5", stopReason: "done", errorClass: "RunCancelledError" });
    expect(report.results).toHaveLength(2); // the invalid call went back to the model as a tool error
    expect(report.results[1]).toContain("5");
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
