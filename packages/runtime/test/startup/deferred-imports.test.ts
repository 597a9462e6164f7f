import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// What a server's start does not need loads on first use (the OpenTelemetry SDK, prom-client and the OpenAPI
// document's schemas): importing the package, as `skein serve` and every project's `skein.config.ts` do, must not
// load them. Checked in a fresh Node process that records every module it loads.
const indexUrl = new URL("../../src/index.ts", import.meta.url).href;
const script = `
import { registerHooks } from "node:module";
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const runtime = await import(${JSON.stringify(indexUrl)});
const before = loaded.length;
const document = await runtime.openApiDocument();
console.log(JSON.stringify({ before: loaded.slice(0, before), after: loaded.slice(before), paths: Object.keys(document.paths).length }));
`;

const deferred = [
  /\/node_modules\/prom-client\//,
  /\/node_modules\/@opentelemetry\//,
  /\/src\/telemetry\/(run-tracing|prom-metrics)\.ts$/,
  /\/src\/http\/openapi\//,
];

describe("the runtime's imports", () => {
  it("leave the OpenTelemetry SDK, prom-client and the OpenAPI schemas for later", () => {
    const child = spawnSync(
      process.execPath,
      ["--conditions=development", "--input-type=module", "-e", script],
      {
        encoding: "utf8",
        timeout: 15_000,
      },
    );
    expect(child.stderr).toBe("");
    const { before, after, paths } = JSON.parse(child.stdout) as {
      before: string[];
      after: string[];
      paths: number;
    };
    expect(before.some((url) => url.endsWith("/src/server.ts"))).toBe(true);
    expect(before.filter((url) => deferred.some((pattern) => pattern.test(url)))).toEqual([]);
    // openApiDocument() loads its modules when called.
    expect(after.some((url) => url.endsWith("/src/http/openapi/document.ts"))).toBe(true);
    expect(paths).toBeGreaterThan(10);
  });
});
