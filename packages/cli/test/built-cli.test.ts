import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../../../scripts/build.ts";
import { type CliRun, cleanEnv, repoRoot, startCli } from "./run-cli.ts";

// The bundle `npm run build` writes (`packages/cli/dist/skein.js`, what the `skein` bin and `npm start` run),
// built here into a folder of its own inside the repo (its npm packages resolve from the repo's node_modules).

const dirs: string[] = [];
let root: string;
let outdir: string;
let cli: CliRun | undefined;

beforeAll(async () => {
  root = mkdtempSync(path.join(repoRoot, "packages/cli/.test-build-"));
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

// A tool whose zod schema the agent loop validates against: the model calls it with one valid and one invalid input.
const zodConfig = (check: string) => `import { Agent, tool } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { defineConfig } from "@skein/runtime";
import { z } from "zod";

${check}
const double = tool({
  name: "double",
  description: "Doubles n.",
  input: z.object({ n: z.number().int() }),
  run: ({ n }) => ({ doubled: n * 2 }),
});
const model = scriptedModel([
  { toolCalls: [{ id: "c1", name: "double", arguments: { n: 21 } }, { id: "c2", name: "double", arguments: { n: "x" } }] },
  { text: "done" },
]);
export default defineConfig({ agents: [new Agent({ name: "calc", instructions: "Use double.", model, tools: [double] })] });
`;

async function invokeCalc(project: string): Promise<string> {
  cli = startCli(["serve", project, "--dev", "--port", "0"], {
    main: path.join(outdir, "skein.js"),
    env: cleanEnv({ SKEIN_DATA_DIR: tempDir() }),
  });
  const [, url] = await cli.waitForLine("stderr", /Skein runtime listening on (http:\/\/\S+)/);
  const response = await fetch(`${url}/v1/agents/calc/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ input: "double 21" }),
  });
  expect(response.status).toBe(200);
  const stream = await response.text();
  cli.child.kill("SIGTERM");
  expect((await cli.done).code).toBe(0);
  return stream;
}

describe("zod in the built CLI", () => {
  // Inside the repo, so the project's `zod` resolves to the repo's node_modules (the version the bundle carries).
  const projectDir = (name: string) => {
    const dir = path.join(root, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    return dir;
  };

  it("loads the bundle's copy of zod for a project on the bundled version, and validates its tools with it", async () => {
    const project = projectDir("same-zod");
    const check = `const bundled = new URL("zod.js", ${JSON.stringify(`${pathToFileURL(outdir).href}/`)}).href;
if (import.meta.resolve("zod") !== bundled) throw new Error(\`zod from \${import.meta.resolve("zod")}\`);
if (import.meta.resolve("zod/v4/core") !== new URL("zod-v4-core.js", bundled).href) throw new Error("zod/v4/core");`;
    writeFileSync(path.join(project, "skein.config.ts"), zodConfig(check));
    const stream = await invokeCalc(project);
    expect(stream).toContain('"content":"{\\"doubled\\":42}"');
    expect(stream).toContain('"code":"tool_invalid_arguments"');
    expect(stream).toMatch(/event: run-end\n/);
  });

  it("leaves a project on another version of zod with its own", async () => {
    const project = projectDir("own-zod");
    const own = path.join(project, "node_modules/zod");
    mkdirSync(own, { recursive: true });
    writeFileSync(
      path.join(own, "package.json"),
      '{ "name": "zod", "version": "0.0.1-own", "type": "module", "exports": { ".": { "import": "./index.js" } } }\n',
    );
    // Its own zod re-exports the real one: the tool still works, from the project's copy.
    writeFileSync(
      path.join(own, "index.js"),
      'export * from "../../../../../../node_modules/zod/index.js";\n',
    );
    const check = `if (import.meta.resolve("zod") !== new URL("./node_modules/zod/index.js", import.meta.url).href)
  throw new Error(\`zod from \${import.meta.resolve("zod")}\`);`;
    writeFileSync(path.join(project, "skein.config.ts"), zodConfig(check));
    const stream = await invokeCalc(project);
    expect(stream).toContain('"content":"{\\"doubled\\":42}"');
  });
});
