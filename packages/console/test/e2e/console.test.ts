import { openaiCompatible } from "@skein/core";
import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { createApiKey, openSqliteStore, type RunningServer, startServer } from "@skein/runtime";
import { pino } from "pino";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import analyst from "../../../../examples/ai-market-analyst/agent.ts";
import { ensureChromium, launchChromium, requireConsoleBuild, screenshotPath } from "./browser.ts";

// End to end: the real runtime serving the built console, the example agent against the mock OpenAI-compatible
// server (the test double at the model boundary), driven in Debian's headless Chromium.

let mock: MockOpenAIServer;
let server: RunningServer;
let browser: Browser;
let apiKey: string;

const FINAL_TEXT = "Alibaba, Tencent, Baidu and Huawei are covered by the data set.";

beforeAll(async () => {
  ensureChromium();
  const consoleDir = requireConsoleBuild();
  mock = await startMockOpenAIServer({
    responses: [
      {
        type: "tool-calls",
        calls: [{ id: "call_list", name: "list_companies", arguments: {} }],
        usage: { prompt_tokens: 120, completion_tokens: 14 },
      },
      {
        type: "text",
        reasoning: "The tool listed four companies; answer briefly.",
        text: FINAL_TEXT,
        usage: { prompt_tokens: 300, completion_tokens: 40 },
      },
      // The second run streams a little, then the model stalls until the run is stopped.
      { type: "stall", text: "Let me think about Baidu" },
    ],
  });
  const store = openSqliteStore({ path: ":memory:" });
  server = await startServer({
    agents: [analyst],
    port: 0,
    host: "127.0.0.1",
    store,
    defaultModel: openaiCompatible({ baseURL: mock.url, model: "qwen-plus", apiKey: "test-key" }),
    logger: pino({ level: "silent" }),
    // Memory mounted (BM25 only) with no agent using it: the mock model's script is for the chat alone.
    memory: { embeddings: false },
    app: { consoleDir },
  });
  apiKey = (await createApiKey(store, "acme")).key;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mock?.close();
});

/** True when the page is no wider than the viewport (no horizontal scroll). */
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** A call to the server's API as tenant acme. */
async function api(path: string, method: string, json?: unknown): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
  return response.status === 204 ? undefined : response.json();
}

async function tabTo(page: Page, matches: () => boolean): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(matches)) return;
  }
  throw new Error("keyboard focus never reached the element");
}

describe("the console in a real browser", () => {
  it("signs in, runs the example agent in the Playground, opens its trace and shows usage", {
    timeout: 120_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const nav = page.getByRole("navigation", { name: "Console" });
    const failed: string[] = [];
    page.on("pageerror", (error) => failed.push(error.message));

    // Sign in: a wrong key shows the server's problem detail, the right one opens the console.
    await page.goto(`${server.url}/`);
    const keyField = page.getByLabel("API key");
    await keyField.fill("sk-skein-wrong.key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    await page.screenshot({ path: screenshotPath("01-sign-in") });
    await keyField.fill(apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();

    // Agents
    await page.getByRole("heading", { name: "ai-market-analyst" }).waitFor();
    expect(await page.locator(".card").first().textContent()).toContain("qwen-plus");
    await page.getByText("Tools (6)").waitFor();
    await page.screenshot({ path: screenshotPath("02-agents"), fullPage: true });

    // Playground: streamed text, folded reasoning, the tool call with its result.
    await nav.getByRole("link", { name: "Playground" }).click();
    const message = page.getByLabel("Message to ai-market-analyst");
    await message.fill("Which companies do you cover?");
    await page.getByRole("button", { name: "Send" }).click();
    const toolCall = page.getByTestId("tool-call");
    await toolCall.filter({ hasText: "list_companies" }).filter({ hasText: "done" }).waitFor();
    await page.getByTestId("assistant-text").filter({ hasText: FINAL_TEXT }).waitFor();
    await page.getByRole("link", { name: "View trace" }).waitFor();
    const reasoning = page.locator("details.reasoning");
    expect(await reasoning.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await toolCall.getByText("Result").click();
    await toolCall.getByText("Alibaba").first().waitFor();
    await page.screenshot({ path: screenshotPath("03-playground"), fullPage: true });

    // Keyboard only: reach the message box and the Send button with Tab, send, and watch the text stream in.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(
      page,
      () =>
        document.activeElement?.getAttribute("aria-label") === null &&
        document.activeElement?.tagName === "TEXTAREA",
    );
    await page.keyboard.type("And Baidu?");
    await tabTo(page, () => document.activeElement?.textContent === "Send");
    await page.keyboard.press("Enter");
    // The partial text is on screen while the run is still going: it arrived as a stream.
    await page.getByTestId("assistant-text").filter({ hasText: "Let me think about Baidu" }).waitFor();
    const stop = page.getByRole("button", { name: "Stop" });
    await stop.waitFor();
    await page.screenshot({ path: screenshotPath("04-playground-streaming") });
    await stop.click();
    await page.getByText("Run ended: cancelled").waitFor();
    await page.getByRole("button", { name: "Send" }).waitFor();

    // The first run's trace: a waterfall of the agent, its model calls and its tool call.
    await page.getByRole("link", { name: "View trace" }).first().click();
    await page.getByRole("heading", { name: /^Trace of run/ }).waitFor();
    const spans = page.locator(".span-name");
    await spans.first().waitFor();
    expect(await spans.allTextContents()).toEqual([
      "invoke_agent ai-market-analyst",
      "chat qwen-plus",
      "execute_tool list_companies",
      "chat qwen-plus",
    ]);
    await page.locator(".facts").filter({ hasText: "420 in · 54 out" }).waitFor();
    await page.getByRole("button", { name: /execute_tool list_companies/ }).click();
    await page.getByLabel("Attributes of execute_tool list_companies").waitFor();
    await page.screenshot({ path: screenshotPath("05-trace"), fullPage: true });

    // Sessions: the list, and the session's timeline linking back to the traces.
    await nav.getByRole("link", { name: "Sessions" }).click();
    const rows = page.getByRole("list", { name: "Sessions" }).getByRole("link");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    await page.screenshot({ path: screenshotPath("06-sessions") });
    await rows.first().click();
    await page.getByRole("list", { name: "Runs of the session" }).waitFor();
    expect(await page.getByRole("link", { name: "Trace", exact: true }).count()).toBe(2);
    await page.screenshot({ path: screenshotPath("07-session-timeline"), fullPage: true });

    await nav.getByRole("link", { name: "Traces" }).click();
    await page.getByRole("list", { name: "Traces" }).getByRole("link").nth(1).waitFor();
    await page.screenshot({ path: screenshotPath("08-traces") });

    // Memory: records created through the API are listed, searched (the mode shown), opened and deleted.
    const first = await api("/v1/memory/records", "POST", {
      actorId: "analyst-user",
      text: "The user follows Baidu's AI spending.",
    });
    const updated = await api(`/v1/memory/records/${first.id}`, "PATCH", {
      text: "The user follows Baidu's and Tencent's AI spending.",
    });
    await api("/v1/memory/records", "POST", {
      actorId: "analyst-user",
      kind: "preference",
      text: "The user prefers figures in tables.",
    });
    await nav.getByRole("link", { name: "Memory" }).click();
    const records = page.getByRole("list", { name: "Memory records" });
    await records.getByText("The user follows Baidu's and Tencent's AI spending.").waitFor();
    await records.getByText("The user prefers figures in tables.").waitFor();
    expect(await records.getByRole("link").count()).toBe(2);
    await page.getByText("BM25 search (no embedding model)").waitFor();
    await page.screenshot({ path: screenshotPath("09-memory"), fullPage: true });
    await page.getByLabel("Kind").selectOption("preference");
    await page.getByRole("button", { name: "Apply" }).click();
    // The filtered list replaces the whole list: wait for the other kind's record to leave, then count.
    await records.getByRole("link").filter({ hasText: "Tencent" }).waitFor({ state: "detached" });
    await records.getByRole("link").filter({ hasText: "tables" }).waitFor();
    expect(await records.getByRole("link").count()).toBe(1);
    await page.getByLabel("Kind").selectOption("");
    await page.getByRole("searchbox", { name: "Search" }).fill("Tencent");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("search-mode").filter({ hasText: "1 found by BM25" }).waitFor();
    await page.screenshot({ path: screenshotPath("09b-memory-search"), fullPage: true });
    await records.getByRole("link").first().click();
    await page.getByTestId("memory-record-text").filter({ hasText: "Tencent" }).waitFor();
    const versions = page.getByRole("list", { name: "Versions" }).getByRole("listitem");
    expect(await versions.count()).toBe(2);
    expect(await versions.first().textContent()).toContain("The user follows Baidu's AI spending.");
    await page.getByLabel("Provenance").getByText("manual").waitFor();
    expect(page.url()).toContain(`/memory/${updated.id}`);
    await page.screenshot({ path: screenshotPath("09c-memory-record"), fullPage: true });
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Delete for good" }).click();
    await page.getByRole("heading", { name: "Memory", exact: true }).waitFor();
    await records.getByText("The user prefers figures in tables.").waitFor();
    expect(await records.getByRole("link").count()).toBe(1);
    expect((await api("/v1/memory/search?q=Baidu&status=any", "GET")).data).toEqual([]);

    // Usage: both runs, with the tokens the mock model reported.
    await nav.getByRole("link", { name: "Usage" }).click();
    await page.getByTestId("total-tokens").waitFor();
    expect(await page.getByTestId("total-tokens").textContent()).toBe("474");
    await page.getByRole("img", { name: /^Tokens per day/ }).waitFor();
    await page.getByRole("list", { name: "Tokens per agent" }).getByText("ai-market-analyst").waitFor();
    await page.screenshot({ path: screenshotPath("10-usage"), fullPage: true });

    // Phone width: every page fits without horizontal scrolling.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [name, path] of [
      ["agents", "/agents"],
      ["playground", "/playground"],
      ["sessions", "/sessions"],
      ["traces", "/traces"],
      ["memory", "/memory"],
      ["usage", "/usage"],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.locator("main h1").waitFor();
      await page.waitForLoadState("networkidle");
      expect(await fitsWidth(page), `${path} fits a phone`).toBe(true);
      await page.screenshot({ path: screenshotPath(`11-phone-${name}`), fullPage: true });
    }
    expect(failed).toEqual([]);
    await context.close();
  });
});

describe("the console in dev mode", () => {
  it("opens without a key on a loopback dev server and says so", { timeout: 60_000 }, async () => {
    const dev = await startServer({
      agents: [analyst],
      port: 0,
      host: "127.0.0.1",
      dev: true,
      store: openSqliteStore({ path: ":memory:" }),
      logger: pino({ level: "silent" }),
      app: { consoleDir: requireConsoleBuild() },
    });
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
    try {
      const page = await context.newPage();
      await page.goto(`${dev.url}/sessions`);
      await page.getByRole("note").filter({ hasText: "Dev mode" }).waitFor();
      await page.getByText("No sessions match.").waitFor();
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
      expect(await page.locator(".badge").first().textContent()).toBe("dev");
      await page.screenshot({ path: screenshotPath("12-dev-mode-sessions") });
      // No memory mounted here: the Memory page says so honestly.
      await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Memory" }).click();
      await page.getByText("Long-term memory is not enabled on this server.").waitFor();
      await page.screenshot({ path: screenshotPath("13-dev-mode-memory-off") });
    } finally {
      await context.close();
      await dev.close();
    }
  });
});
