import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { scriptedModel } from "@skein/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeAgent, problemOf, startTestServer, type TestServer } from "./harness.ts";

let dir: string;
let t: TestServer | undefined;
const html =
  '<!doctype html><title>Skein console</title><script type="module" src="/assets/index-Ab12.js"></script>';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "skein-console-"));
  await mkdir(path.join(dir, "assets"));
  await writeFile(path.join(dir, "index.html"), html);
  await writeFile(path.join(dir, "assets", "index-Ab12.js"), "console.log('skein');");
  await writeFile(path.join(dir, "assets", "index-Cd34.css"), "body{}");
  await writeFile(path.join(dir, "robots.txt"), "User-agent: *\n");
  await writeFile(path.join(path.dirname(dir), "secret.txt"), "outside the console");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const start = (consoleDir: string) =>
  startTestServer([makeAgent("echo", scriptedModel([]))], { app: { consoleDir } });

describe("the console's static files at /", () => {
  it("serves the page, hashed assets with a year-long cache, and index.html for every page path", async () => {
    t = await start(dir);
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toBe(html);

    const script = await fetch(`${t.url}/assets/index-Ab12.js`);
    expect(script.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await script.text()).toContain("skein");
    const style = await fetch(`${t.url}/assets/index-Cd34.css`);
    expect(style.headers.get("content-type")).toMatch(/^text\/css/);
    const robots = await fetch(`${t.url}/robots.txt`);
    expect(robots.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(robots.headers.get("cache-control")).toBe("no-cache");

    for (const route of ["/agents", "/sessions/ses_1", "/traces/run_1?x=1"]) {
      const response = await fetch(`${t.url}${route}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(html);
    }
  });

  it("keeps API 404s as problems, missing files as 404, and never serves outside its folder", async () => {
    t = await start(dir);
    const api = await t.call("/v1/nothing-here");
    expect(api.status).toBe(404);
    expect((await problemOf(api)).code).toBe("not_found");
    const missing = await fetch(`${t.url}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe("not_found");
    for (const sneaky of ["/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt"]) {
      const response = await fetch(`${t.url}${sneaky}`);
      expect(await response.text()).not.toContain("outside the console");
    }
  });

  it("answers 503 console_not_built when the build is missing", async () => {
    t = await start(path.join(dir, "no-such-build"));
    const response = await fetch(`${t.url}/agents`);
    expect(response.status).toBe(503);
    const body = await problemOf(response);
    expect(body.code).toBe("console_not_built");
    expect(body.detail).toContain("npm run build:console");
  });
});
