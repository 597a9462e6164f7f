import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../../../scripts/build.ts";
import { type CliRun, cleanEnv, repoRoot, startCli } from "./run-cli.ts";

// The bundle `npm run build` writes (`packages/cli/dist/skein.js`, what the `skein` bin and `npm start` run),
// built here into a folder of its own inside the repo (its npm packages resolve from the repo's node_modules).

const dirs: string[] = [];
let outdir: string;
let cli: CliRun | undefined;

beforeAll(async () => {
  const root = mkdtempSync(path.join(repoRoot, "packages/cli/.test-build-"));
  dirs.push(root);
  outdir = path.join(root, "dist");
  await buildCli({ outdir });
}, 60_000);

afterAll(async () => {
  if (cli && cli.child.exitCode === null) cli.child.kill("SIGTERM");
  await cli?.done;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "skein-built-"));
  dirs.push(dir);
  return dir;
};

// The bundle's runtime classes extend the bundle's core classes: the check holds only when the project's imports
// of @skein/core and @skein/runtime load the bundle's copies, not a second copy from the sources.
const config = `import { Agent, SkeinError } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { ConfigError, defineConfig } from "@skein/runtime";

if (!(new ConfigError("check", "one copy") instanceof SkeinError)) throw new Error("two copies of @skein/core");
const model = scriptedModel([{ text: "hello from the bundle" }]);
export default defineConfig({ agents: [new Agent({ name: "echo", instructions: "Echo.", model })] });
`;

describe("the built CLI (npm run build)", () => {
  it("serves a project that imports @skein/core and @skein/runtime, sharing the bundle's copies", async () => {
    const project = tempDir();
    writeFileSync(path.join(project, "package.json"), '{ "type": "module" }\n');
    writeFileSync(path.join(project, "skein.config.ts"), config);
    cli = startCli(["serve", project, "--dev", "--port", "0"], {
      main: path.join(outdir, "skein.js"),
      env: cleanEnv({ SKEIN_DATA_DIR: tempDir() }),
    });
    const [, url] = await cli.waitForLine("stderr", /Skein runtime listening on (http:\/\/\S+)/);

    const response = await fetch(`${url}/v1/agents/echo/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", "x-request-id": "built-1" },
      body: JSON.stringify({ input: "hi" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("built-1");
    const stream = await response.text();
    expect(stream).toContain("hello from the bundle");
    expect(stream).toMatch(/event: run-end\n/);

    cli.child.kill("SIGTERM");
    expect((await cli.done).code).toBe(0);
  });
});
