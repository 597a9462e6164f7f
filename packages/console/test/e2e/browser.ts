import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const consoleDist = path.join(repoRoot, "packages/console/dist");
export const artifactsDir = path.join(repoRoot, "test-artifacts/console");
export const CHROMIUM = "/usr/bin/chromium";

/** Debian's Chromium, installed by the project's own script when missing (apt, as root on CI). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  execFileSync("bash", [path.join(repoRoot, "scripts/ensure-chromium.sh")], { stdio: "inherit" });
}

/** The built console: `npm run build:console` (npm test runs it first). */
export function requireConsoleBuild(): string {
  if (!existsSync(path.join(consoleDist, "index.html")))
    throw new Error(`the console is not built (${consoleDist}): run \`npm run build:console\` first`);
  return consoleDist;
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const screenshotPath = (name: string): string => path.join(artifactsDir, `${name}.png`);
