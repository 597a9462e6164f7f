import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { startTestServer } from "../http/harness.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

describe("skein.config.ts", () => {
  it("loads the repo's config with the example agent, which the server then lists", async () => {
    const config = await loadConfig(repoRoot);
    expect(config.file).toBe(path.join(repoRoot, "skein.config.ts"));
    expect(config.agents.map((a) => a.name)).toEqual(["ai-market-analyst"]);
    expect(Object.keys(config.memory?.agents ?? {})).toEqual(["ai-market-analyst"]);
    const t = await startTestServer(config.agents, { memory: { ...config.memory, embeddings: false } });
    try {
      expect((await (await t.call("/v1/whoami")).json()).features.memory).toBe(true);
      const listed = await (await t.call("/v1/agents")).json();
      expect(listed.data).toEqual([
        expect.objectContaining({ name: "ai-market-analyst", model: null, tools: expect.any(Array) }),
      ]);
      expect(listed.data[0].tools.length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it("says what is wrong with a missing or invalid config", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "skein-config-"));
    try {
      await expect(loadConfig(dir)).rejects.toMatchObject({ code: "config_not_found" });
      writeFileSync(path.join(dir, "skein.config.mjs"), "export default { agents: [{ name: 1 }] };\n");
      await expect(loadConfig(dir)).rejects.toMatchObject({ code: "config_invalid" });
      // Another file name: the module cache would answer the first import again.
      const agent = "{ name: 'a', description: '', model: undefined, tools: [], stream() {} }";
      writeFileSync(
        path.join(dir, "skein.config.mts"),
        `export default { agents: [${agent}], memory: { agents: { b: true } } };\n`,
      );
      await expect(loadConfig(dir)).rejects.toMatchObject({
        code: "config_invalid",
        message: expect.stringContaining('memory.agents names "b"'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
