import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type CliRun, cleanEnv, repoRoot, startCli } from "./run-cli.ts";

// `skein dev` and `npm start` as real process trees: a supervisor and the server child it restarts.

const dirs: string[] = [];
const running: CliRun[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null) cli.child.kill("SIGTERM");
    await cli.done;
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "skein-dev-"));
  dirs.push(dir);
  return dir;
};

/** A project whose agent is a plain object (the runtime duck-types agents), so it needs no packages. */
function project(description: string): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    path.join(dir, "skein.config.ts"),
    'import { agent } from "./agent.ts";\nexport default { agents: [agent] };\n',
  );
  writeAgent(dir, description);
  return dir;
}
const writeAgent = (dir: string, description: string) =>
  writeFileSync(
    path.join(dir, "agent.ts"),
    `export const agent = { name: "hello", description: ${JSON.stringify(description)}, model: undefined, tools: [], async *stream() {} };\n`,
  );

const listening = /^Skein runtime listening on (http:\/\/\S+) \(dev mode\)$/;
const description = async (url: string) => (await (await fetch(`${url}/v1/agents/hello`)).json()).description;

describe("skein dev", () => {
  it("serves without keys on loopback with a warning, and restarts when an agent file changes", async () => {
    const dir = project("first version");
    const cli = startCli(["dev", "--port", "0"], { cwd: dir, env: cleanEnv() });
    running.push(cli);
    const [, first] = await cli.waitForLine("stderr", listening);
    await cli.waitForStderr("WARNING: DEV MODE");
    expect(new URL(first!).hostname).toBe("127.0.0.1");
    expect(await description(first!)).toMatch(/^first version/);
    expect(existsSync(path.join(dir, ".skein", "skein.db"))).toBe(true);

    writeAgent(dir, "second version");
    await cli.waitForStderr("[skein dev] agent.ts changed: restarting");
    const [, second] = await cli.waitForLine("stderr", listening);
    expect(await description(second!)).toMatch(/^second version/);
    if (second !== first) await expect(fetch(`${first}/ping`)).rejects.toThrow(); // the old server is gone

    // The config is watched too.
    writeFileSync(
      path.join(dir, "skein.config.ts"),
      'import { agent } from "./agent.ts";\nexport default { agents: [{ ...agent, name: "renamed" }] };\n',
    );
    const [, third] = await cli.waitForLine("stderr", listening);
    expect((await (await fetch(`${third}/v1/agents`)).json()).data.map((a: any) => a.name)).toEqual([
      "renamed",
    ]);

    cli.child.kill("SIGTERM");
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Stopped\.\n$/);
    await expect(fetch(`${third}/ping`)).rejects.toThrow();
  });

  // The server says it listens only once the supervisor watches its files: a save right after is never missed.
  it("keeps watching after a broken edit and recovers on the next save", async () => {
    const dir = project("good");
    const cli = startCli(["dev", "--port", "0"], { cwd: dir, env: cleanEnv() });
    running.push(cli);
    await cli.waitForLine("stderr", listening);
    writeFileSync(path.join(dir, "agent.ts"), "export const agent = {{ not typescript\n");
    await cli.waitForStderr("waiting for a change to restart it");
    writeAgent(dir, "fixed");
    const [, url] = await cli.waitForLine("stderr", listening);
    expect(await description(url!)).toMatch(/^fixed/);
  });

  it("refuses a non-loopback --host", async () => {
    const cli = startCli(["dev", "--host", "0.0.0.0"], { cwd: project("x"), env: cleanEnv() });
    const result = await cli.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/loopback only/);
  });
});

describe("npm start (the README's main command)", () => {
  it("starts the server with the example agents and embedded SQLite, and prints the URL", async () => {
    const dataDir = tempDir();
    // npm runs the start script through a shell: signal the whole process group at the end.
    const npm = spawn("npm", ["start", "--", "--port", "0"], {
      cwd: repoRoot,
      env: cleanEnv({ SKEIN_DATA_DIR: dataDir }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => npm.once("close", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        npm.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk;
          const match = /Skein runtime listening on (http:\/\/\S+) \(dev mode\)\n/.exec(stderr);
          if (match) resolve(match[1]!);
        });
        npm.once("close", (code) => reject(new Error(`npm start exited (${code}):\n${stderr}`)));
      });
      expect(stderr).toMatch(/agent {2}ai-market-analyst/);
      expect(existsSync(path.join(dataDir, "skein.db"))).toBe(true);
      const agents = await (await fetch(`${url}/v1/agents`)).json();
      expect(agents.data.map((a: any) => a.name)).toEqual(["ai-market-analyst"]);
    } finally {
      process.kill(-npm.pid!, "SIGTERM");
      await exited;
    }
  });
});
