import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { openTelemetryDb } from "../../src/telemetry/telemetry-db.ts";
import { UsageLedger } from "../../src/telemetry/usage-ledger.ts";
import { makeAgent, problemOf, startTestServer, type TestServer } from "../http/harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const usd = (total: number) => ({ input: total / 2, output: total / 2, total, currency: "USD" as const });
const turn = (text: string, inputTokens: number, outputTokens: number, cost: number) => ({
  text,
  usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, cost: usd(cost) },
});

describe("UsageLedger", () => {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
  const entry = (
    runId: string,
    tenantId: string,
    agent: string,
    endedAt: number,
    tokens: number,
    cost?: number,
  ) => ({
    runId,
    tenantId,
    agent,
    status: "done",
    endedAt,
    usage: {
      inputTokens: tokens,
      outputTokens: 1,
      totalTokens: tokens + 1,
      ...(cost === undefined ? {} : { cost: usd(cost) }),
    },
  });

  it("sums tokens and cost per agent and per UTC day, within [from, to), per tenant", () => {
    const ledger = new UsageLedger(openTelemetryDb(":memory:"));
    ledger.record(entry("r1", "a", "writer", day("2025-03-01") + 5, 100, 0.5));
    ledger.record(entry("r2", "a", "writer", day("2025-03-01") + 86_399_999, 50, 0.25));
    ledger.record(entry("r3", "a", "analyst", day("2025-03-02") + 10, 10)); // no price known
    ledger.record(entry("r4", "a", "analyst", day("2025-03-04"), 999, 9)); // outside [from, to)
    ledger.record(entry("r5", "b", "writer", day("2025-03-01") + 7, 1000, 5)); // another tenant
    const range = { from: day("2025-03-01"), to: day("2025-03-04") };
    const byDay = ledger.query("a", { ...range, groupBy: "day" });
    expect(byDay.data).toEqual([
      {
        key: "2025-03-01",
        runs: 2,
        inputTokens: 150,
        outputTokens: 2,
        totalTokens: 152,
        cost: { USD: 0.75 },
      },
      { key: "2025-03-02", runs: 1, inputTokens: 10, outputTokens: 1, totalTokens: 11, cost: {} },
    ]);
    expect(byDay.total).toEqual({
      runs: 3,
      inputTokens: 160,
      outputTokens: 3,
      totalTokens: 163,
      cost: { USD: 0.75 },
    });
    const byAgent = ledger.query("a", { ...range, groupBy: "agent" });
    expect(byAgent.data.map((r) => [r.key, r.totalTokens])).toEqual([
      ["writer", 152],
      ["analyst", 11],
    ]);
    expect(ledger.query("b", { ...range, groupBy: "agent" }).total.totalTokens).toBe(1001);
  });
});

describe("GET /v1/usage", () => {
  it("aggregates the tenant's runs by agent and by day, and never another tenant's", async () => {
    const writer = scriptedModel([turn("one", 10, 5, 0.01), turn("two", 20, 5, 0.02)]);
    const analyst = scriptedModel([turn("three", 100, 50, 0.2), turn("four", 7, 3, 0.003)]);
    t = await startTestServer([makeAgent("writer", writer), makeAgent("analyst", analyst)]);
    const invoke = (agent: string, key?: string) =>
      t!.call(`/v1/agents/${agent}/invocations`, { method: "POST", json: { input: "go" }, key });
    for (const response of [await invoke("writer"), await invoke("writer"), await invoke("analyst")])
      expect(response.status).toBe(200);
    expect((await invoke("analyst", t.keyB)).status).toBe(200);

    const byAgent = await (await t.call("/v1/usage?groupBy=agent")).json();
    expect(byAgent.groupBy).toBe("agent");
    expect(byAgent.data).toEqual([
      { key: "analyst", runs: 1, inputTokens: 100, outputTokens: 50, totalTokens: 150, cost: { USD: 0.2 } },
      { key: "writer", runs: 2, inputTokens: 30, outputTokens: 10, totalTokens: 40, cost: { USD: 0.03 } },
    ]);
    expect(byAgent.total).toMatchObject({ runs: 3, totalTokens: 190 });

    const today = new Date().toISOString().slice(0, 10);
    const byDay = await (await t.call("/v1/usage")).json();
    expect(byDay.groupBy).toBe("day");
    expect(byDay.data).toEqual([expect.objectContaining({ key: today, runs: 3, totalTokens: 190 })]);

    const tenantB = await (await t.call("/v1/usage?groupBy=agent", { key: t.keyB })).json();
    expect(tenantB.data).toEqual([expect.objectContaining({ key: "analyst", runs: 1, totalTokens: 10 })]);

    const past = await (await t.call("/v1/usage?from=2020-01-01&to=2020-02-01")).json();
    expect(past).toMatchObject({
      from: "2020-01-01T00:00:00.000Z",
      to: "2020-02-01T00:00:00.000Z",
      data: [],
    });
  });

  it("rejects a bad range or grouping with problem+json", async () => {
    t = await startTestServer([makeAgent("writer", scriptedModel([]))]);
    for (const query of ["groupBy=hour", "from=yesterday", "from=2025-02-01&to=2025-01-01"]) {
      const response = await t.call(`/v1/usage?${query}`);
      expect(response.status).toBe(400);
      expect((await problemOf(response)).code).toBe("invalid_query");
    }
  });
});
