import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { changedSinceLoad } from "../src/dev/dev-handshake.ts";

describe("skein dev: files saved while the server loaded them", () => {
  it("are the ones changed after loading began, not before, not in the future, and any that went away", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "skein-handshake-"));
    const loadingSince = Date.now() - 10_000;
    const file = (name: string, mtimeMs: number) => {
      const full = path.join(dir, name);
      writeFileSync(full, "export {};\n");
      utimesSync(full, mtimeMs / 1000, mtimeMs / 1000);
      return full;
    };
    const before = file("before.ts", loadingSince - 5_000);
    const during = file("during.ts", loadingSince + 5_000);
    const future = file("future.ts", Date.now() + 3_600_000);
    const gone = path.join(dir, "gone.ts");
    expect(
      changedSinceLoad({ type: "ready", url: "", files: [before, during, future, gone], loadingSince }),
    ).toEqual([during, gone]);
  });
});
