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
    const t = await startTestServer(config.agents);
    try {
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
