import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, startTestServer, type TestServer } from "../http/harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("memory tools on hosted agents", () => {
  it("an agent with memory can remember through its tool, scoped to the session's actor", async () => {
    const chat = scriptedModel([
      { toolCalls: [{ name: "remember", arguments: { text: "Prefers reports as tables." } }] },
      { text: "Noted." },
    ]);
    t = await startTestServer([makeAgent("assistant", chat)], {
      memory: { embeddings: false, agents: { assistant: { strategies: [], consolidation: "rule" } } },
    });
    const run = await (
      await t.call("/v1/agents/assistant/invocations", {
        method: "POST",
        json: { input: "Remember that I like tables.", actorId: "u-7" },
      })
    ).json();
    expect(run).toMatchObject({ status: "completed", text: "Noted." });
    expect(chat.requests[0]!.tools?.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["remember", "recall", "forget"]),
    );
    const found = await (await t.call("/v1/memory/search?q=tables")).json();
    expect(found.data.map((hit: { record: { text: string } }) => hit.record.text)).toContain(
      "Prefers reports as tables.",
    );
    expect(found.data[0].record.namespace).toMatch(/^\/tenants\/tenant-a\/actors\/u-7/);
    expect((await (await t.call("/v1/memory/search?q=tables", { key: t.keyB })).json()).data).toEqual([]);
  });
});
