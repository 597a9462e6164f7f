// The runtime instruments each hosted agent once per tenant and reuses the wrapper for that tenant's runs; the
// wrappers of an agent are bounded, so a deployment with a great many tenants does not keep one per tenant forever.
import { Agent } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeTelemetry } from "../../src/telemetry/runtime-telemetry.ts";

let telemetry: RuntimeTelemetry | undefined;
afterEach(async () => {
  await telemetry?.close();
  telemetry = undefined;
});

const agent = new Agent({ name: "echo", instructions: "", model: scriptedModel([{ text: "hi" }]) });

describe("instrumented agents", () => {
  it("reuses one wrapper per agent and tenant, and drops the least recently used past the bound", async () => {
    telemetry = new RuntimeTelemetry({ wrappersPerAgent: 3 });
    const first = {
      t1: telemetry.instrument(agent, "t1"),
      t2: telemetry.instrument(agent, "t2"),
      t3: telemetry.instrument(agent, "t3"),
    };
    expect(telemetry.instrument(agent, "t1")).toBe(first.t1); // t1 is now the most recently used
    const t4 = telemetry.instrument(agent, "t4"); // over the bound: t2, the least recently used, goes
    expect(telemetry.instrument(agent, "t3")).toBe(first.t3);
    expect(telemetry.instrument(agent, "t1")).toBe(first.t1);
    expect(telemetry.instrument(agent, "t4")).toBe(t4);
    const t2 = telemetry.instrument(agent, "t2"); // made again (and t3 goes)
    expect(t2).not.toBe(first.t2);
    expect(telemetry.instrument(agent, "t3")).not.toBe(first.t3);

    // A wrapper made again still observes its tenant's runs: the run reaches the usage ledger under t2.
    const events = [];
    for await (const event of t2.stream("hello", { runId: "run-t2" })) events.push(event.type);
    expect(events.at(-1)).toBe("run-end");
    const now = Date.now();
    const usage = telemetry.usage.query("t2", { from: now - 60_000, to: now + 60_000, groupBy: "agent" });
    expect(usage.data).toMatchObject([{ key: "echo", runs: 1 }]);
    expect(
      telemetry.usage.query("t1", { from: now - 60_000, to: now + 60_000, groupBy: "agent" }).data,
    ).toEqual([]);
  });

  it("a resumed run gets a wrapper of its own, outside the cache", () => {
    telemetry = new RuntimeTelemetry({ wrappersPerAgent: 1 });
    const shared = telemetry.instrument(agent, "t1");
    const resumed = telemetry.instrument(agent, "t1", { inputTokens: 1, outputTokens: 1, totalTokens: 2 });
    expect(resumed).not.toBe(shared);
    expect(telemetry.instrument(agent, "t1")).toBe(shared);
  });
});
