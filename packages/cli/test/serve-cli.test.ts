import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type CliRun, cleanEnv, runCli, startCli } from "./run-cli.ts";

// `skein serve` and `skein keys` as real child processes, on the repo's skein.config.ts (the example agents).

const dirs: string[] = [];
const servers: CliRun[] = [];
let mock: MockOpenAIServer | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.child.kill("SIGKILL");
    await server.done;
  }
  await mock?.close();
  mock = undefined;
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "skein-serve-"));
  dirs.push(dir);
  return dir;
};

async function serve(args: string[], env: NodeJS.ProcessEnv) {
  const cli = startCli(["serve", "--port", "0", ...args], { env });
  servers.push(cli);
  const [, url] = await cli.waitForLine("stderr", /^Skein runtime listening on (http:\/\/\S+)/);
  return { cli, url: url! };
}

const createKey = async (env: NodeJS.ProcessEnv, tenant: string) => {
  const result = await runCli(["keys", "create", "--tenant", tenant], { env });
  expect(result.code).toBe(0);
  return result.stdout.trim();
};

describe("skein serve", () => {
  it("starts without a model, says which variables to set, needs API keys, answers 503 model_not_configured", async () => {
    const env = cleanEnv({ SKEIN_DATA_DIR: dataDir() });
    const { cli, url } = await serve([], env);
    await cli.waitForStderr("No API keys yet");
    expect(cli.output.stderr).toMatch(/agent {2}ai-market-analyst: no model/);
    expect(cli.output.stderr).toMatch(/SKEIN_BASE_URL and SKEIN_MODEL/);
    expect(cli.output.stderr).toMatch(/DASHSCOPE_API_KEY/);
    expect(cli.output.stderr).not.toMatch(/DEV MODE/);
    expect(new URL(url).hostname).toBe("127.0.0.1"); // loopback unless --host says otherwise

    expect((await fetch(`${url}/ping`)).status).toBe(200);
    expect((await fetch(`${url}/v1/agents`)).status).toBe(401);
    expect((await fetch(`${url}/invocations`, { method: "POST", body: "{}" })).status).toBe(401);

    // A key created by another process while the server runs works at once.
    const key = await createKey(env, "acme");
    expect(key).toMatch(/^sk-skein-[0-9a-f]{16}_/);
    const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const agents = await (await fetch(`${url}/v1/agents`, { headers: auth })).json();
    expect(agents.data[0]).toMatchObject({ name: "ai-market-analyst", model: null });
    expect(agents.data[0].description).toMatch(/SKEIN_MODEL/);
    expect(agents.data[0].description).toMatch(/DASHSCOPE_API_KEY/);
    const invoked = await fetch(`${url}/v1/agents/ai-market-analyst/invocations`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ input: "hi" }),
    });
    expect(invoked.status).toBe(503);
    expect(invoked.headers.get("content-type")).toBe("application/problem+json");
    expect(await invoked.json()).toMatchObject({ code: "model_not_configured" });
    // JSON log lines go to stdout, without the key.
    await cli.waitForStdout('"msg":"request"');
    expect(cli.output.stdout).not.toContain(key);

    cli.child.kill("SIGTERM");
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Stopped\./);
  });

  it("uses SKEIN_BASE_URL / SKEIN_MODEL as the default model of agents that name none", async () => {
    mock = await startMockOpenAIServer({ responses: [{ type: "text", text: "Four companies." }] });
    const env = cleanEnv({ SKEIN_DATA_DIR: dataDir(), SKEIN_BASE_URL: mock.url, SKEIN_MODEL: "qwen-plus" });
    const key = await createKey(env, "acme"); // before the server: creates the database
    const { cli, url } = await serve([], env);
    expect(cli.output.stderr).toMatch(/agent {2}ai-market-analyst: qwen-plus/);
    expect(cli.output.stderr).not.toMatch(/No model configured|No API keys yet/);
    const answer = await (
      await fetch(`${url}/v1/agents/ai-market-analyst/invocations`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ input: "Which companies?" }),
      })
    ).json();
    expect(answer).toMatchObject({ status: "completed", text: "Four companies." });
    expect(mock.requests[0]?.body.model).toBe("qwen-plus");
  });

  it("refuses dev mode off loopback, a missing config and a taken port, with exit codes", async () => {
    const env = cleanEnv({ SKEIN_DATA_DIR: dataDir() });
    const offLoopback = await runCli(["serve", "--dev", "--host", "0.0.0.0", "--port", "0"], { env });
    expect(offLoopback.code).toBe(2);
    expect(offLoopback.stderr).toMatch(/dev_mode_not_loopback/);
    const noConfig = await runCli(["serve", dataDir()], { env });
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/config_not_found/);
    const { url } = await serve([], env);
    const taken = await runCli(["serve", "--port", new URL(url).port], { env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/cannot listen.*--port/);
  });
});

describe("skein keys", () => {
  it("creates (shown once), lists and revokes keys in the data dir; a revoked key gets 401", async () => {
    const dir = dataDir();
    const env = cleanEnv({ SKEIN_DATA_DIR: dir });
    const created = await runCli(["keys", "create", "--tenant", "acme", "--name", "ci"], { env });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(created.stdout).toBe(`${key}\n`); // only the key on stdout: KEY=$(skein keys create ...)
    expect(created.stderr).toMatch(/shown this once/);
    expect(existsSync(path.join(dir, "skein.db"))).toBe(true);
    const id = key.slice("sk-skein-".length, "sk-skein-".length + 16);

    const listed = await runCli(["keys", "list", "--tenant", "acme"], { env });
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+ci\\s+\\S+\\s+active$`, "m"));
    const secret = key.slice("sk-skein-".length + 16 + 1); // after `<id>_`; the secret may itself hold `_`
    expect(secret).toHaveLength(43);
    expect(listed.stdout).not.toContain(secret);
    const json = await runCli(["keys", "list", "--tenant", "acme", "--json"], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ id, tenant: "acme", name: "ci", revokedAt: null });
    expect((await runCli(["keys", "list", "--tenant", "other"], { env })).stdout).toBe("");

    const { url } = await serve([], env);
    const headers = { authorization: `Bearer ${key}` };
    expect((await fetch(`${url}/v1/sessions`, { headers })).status).toBe(200);
    const revoked = await runCli(["keys", "revoke", id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toMatch(/Revoked API key/);
    expect((await fetch(`${url}/v1/sessions`, { headers })).status).toBe(401);
    expect((await runCli(["keys", "list", "--tenant", "acme"], { env })).stdout).toMatch(/revoked/);

    const unknown = await runCli(["keys", "revoke", "0123456789abcdef"], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/key_not_found/);
    const noTenant = await runCli(["keys", "create"], { env });
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toMatch(/--tenant/);
  });
});
