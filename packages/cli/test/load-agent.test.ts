import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadAgent } from "../src/config/load-agent.ts";
import { AgentLoadError } from "../src/errors.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures");
const repoRoot = path.resolve(here, "../../..");

const loadError = async (target: string): Promise<AgentLoadError> => {
  try {
    await loadAgent(target, fixtures);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentLoadError);
    return error as AgentLoadError;
  }
  throw new Error(`loading ${target} should have failed`);
};

describe("loadAgent", () => {
  it("loads the example agent from its folder (the default export)", async () => {
    const { agent, file } = await loadAgent("examples/ai-market-analyst", repoRoot);
    expect(agent.name).toBe("ai-market-analyst");
    expect(file).toBe(path.join(repoRoot, "examples/ai-market-analyst/agent.ts"));
    expect(agent.tools.map((t) => t.name)).toContain("compare_investments");
  });

  it("defaults to the current folder", async () => {
    const { agent } = await loadAgent(undefined, path.join(fixtures, "folder-agent"));
    expect(agent.name).toBe("folder-agent");
  });

  it("accepts a file with a named `agent` export", async () => {
    const { agent } = await loadAgent("named-export-agent.ts", fixtures);
    expect(agent.name).toBe("named-export-agent");
  });

  it("explains what is missing", async () => {
    expect((await loadError("missing.ts")).code).toBe("agent_not_found");
    const emptyFolder = await loadError(".");
    expect(emptyFolder.code).toBe("agent_not_found");
    expect(emptyFolder.message).toMatch(/agent\.ts/);
    const invalid = await loadError("not-an-agent.ts");
    expect(invalid.code).toBe("agent_invalid");
    const broken = await loadError("broken-agent.ts");
    expect(broken.code).toBe("agent_import_failed");
    expect(broken.message).toMatch(/fails on import/);
  });
});
