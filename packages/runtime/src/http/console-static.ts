import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Handler } from "hono";
import { getMimeType } from "hono/utils/mime";
import type { RuntimeEnv } from "./context.ts";
import { problem, problemResponse } from "./problem.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** `packages/console/dist` of this checkout (`npm run build:console` writes it), from the sources or the CLI bundle. */
export const defaultConsoleDir = path.resolve(
  here,
  path.basename(here) === "dist" ? "../../console/dist" : "../../../console/dist",
);

/** Paths that belong to the API: an unknown one answers the API's 404, never the console's page. */
const apiPrefixes = ["/v1/", "/invocations", "/ping", "/metrics"];

// Vite names built assets by content hash: they never change, so clients may keep them for a year.
const immutable = "public, max-age=31536000, immutable";
const pageSecurity = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built console at `/`: files from `dir`, and `index.html` for every other page path (the console
 * routes in the browser). Answers 503 `console_not_built` when the build is missing.
 */
export function consoleStatic(dir: string = defaultConsoleDir): Handler<RuntimeEnv> {
  const root = path.resolve(dir);
  const index = path.join(root, "index.html");
  return async (c) => {
    const urlPath = c.req.path;
    if (apiPrefixes.some((prefix) => urlPath === prefix.replace(/\/$/, "") || urlPath.startsWith(prefix)))
      return c.notFound();
    if (!(await isFile(index)))
      return problemResponse(
        problem(
          503,
          "console_not_built",
          "The web console is not built: run `npm run build:console` (npm start and npm test do it).",
        ),
      );
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath);
    } catch {
      return problemResponse(problem(400, "invalid_path", "the path is not valid percent-encoding"));
    }
    const file = path.join(root, path.normalize(relative));
    const inside = file.startsWith(root + path.sep);
    if (inside && (await isFile(file))) {
      const assets = file.startsWith(path.join(root, "assets") + path.sep);
      const html = file.endsWith(".html");
      return c.body(await readFile(file), 200, {
        "content-type": getMimeType(file) ?? "application/octet-stream",
        "cache-control": assets ? immutable : "no-cache",
        "x-content-type-options": "nosniff",
        ...(html ? pageSecurity : {}),
      });
    }
    // A missing file (it has an extension) is a 404; any other path is a page of the console.
    if (path.extname(relative) !== "")
      return problemResponse(problem(404, "not_found", `no file ${urlPath} in the console`));
    return c.body(await readFile(index), 200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      ...pageSecurity,
    });
  };
}
