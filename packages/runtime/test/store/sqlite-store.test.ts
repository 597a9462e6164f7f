import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, migrations } from "../../src/store/sqlite/migrations.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { runStoreConformance } from "./conformance.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "skein-store-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

runStoreConformance("sqlite :memory:", ({ now }) => openSqliteStore({ path: ":memory:", now }));
runStoreConformance("sqlite file (WAL)", ({ now }) =>
  openSqliteStore({ path: path.join(tempDir(), "skein.db"), now }),
);

describe("sqlite store specifics", () => {
  it("records versioned migrations once, runs in WAL mode and keeps data across reopening", async () => {
    const file = path.join(tempDir(), "skein.db");
    const store = openSqliteStore({ path: file });
    expect((store.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe(
      "wal",
    );
    await store.createTenant({ id: "t" });
    await store.createSession({ tenantId: "t", id: "s", agent: "a", expiresAt: Date.now() + 1000 });
    await store.appendEvents("t", "s", [{ type: "note", data: "kept" }]);
    await store.close();

    const reopened = openSqliteStore({ path: file });
    const versions = reopened.db.prepare("SELECT version FROM schema_migrations ORDER BY version").all();
    expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version));
    expect((await reopened.listEvents("t", "s")).map((e) => e.data)).toEqual(["kept"]);
    expect(migrate(reopened.db)).toEqual([]);
    await reopened.close();
  });

  it("refuses a database migrated by a newer runtime", () => {
    const db = new DatabaseSync(":memory:");
    migrate(db);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
    expect(() => migrate(db)).toThrow(expect.objectContaining({ code: "schema_too_new" }));
    db.close();
  });

  it("rolls a failed migration back entirely", () => {
    const db = new DatabaseSync(":memory:");
    const broken = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: "half",
        sql: "CREATE TABLE extra (id TEXT); CREATE TABLE extra (id TEXT);",
      },
    ];
    expect(() => migrate(db, broken)).toThrow();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'extra'").all();
    expect(tables).toEqual([]);
    const versions = db.prepare("SELECT version FROM schema_migrations").all();
    expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version));
    db.close();
  });

  it("moves each session's history out of its newest run-end when migrating to version 2", async () => {
    const db = new DatabaseSync(":memory:");
    migrate(db, migrations.slice(0, 1));
    db.exec(`INSERT INTO tenants (id, name, created_at) VALUES ('t', 't', 0);
      INSERT INTO sessions (tenant_id, id, agent, status, last_seq, created_at, updated_at, expires_at)
        VALUES ('t', 's', 'a', 'active', 3, 0, 0, 1);`);
    const runEnd = (messages: unknown[]) => JSON.stringify({ type: "run-end", messages });
    const insert = db.prepare(
      "INSERT INTO session_events (tenant_id, session_id, seq, run_id, type, data, created_at) VALUES ('t', 's', ?, 'r', ?, ?, 0)",
    );
    insert.run(1, "run-end", runEnd([{ role: "user", content: "old" }]));
    insert.run(2, "text-delta", JSON.stringify({ text: "x" }));
    const newest = [
      { role: "user", content: "old" },
      { role: "assistant", content: "answer" },
    ];
    insert.run(3, "run-end", runEnd(newest));
    expect(migrate(db)).toEqual(migrations.slice(1).map((m) => m.version));
    const rows = db.prepare("SELECT idx, seq, message FROM session_history ORDER BY idx").all();
    expect(rows.map((r) => [r.idx, r.seq, JSON.parse(r.message as string)])).toEqual([
      [1, 3, newest[0]],
      [2, 3, newest[1]],
    ]);
    db.close();
  });

  it("numbers appends from several processes' worth of connections (worker threads) without gaps", async () => {
    const file = path.join(tempDir(), "skein.db");
    const store = openSqliteStore({ path: file });
    await store.createTenant({ id: "t" });
    await store.createSession({ tenantId: "t", id: "s", agent: "a", expiresAt: Date.now() + 60_000 });
    const workers = 4;
    const perWorker = 100;
    const workerFile = new URL("./append-worker.ts", import.meta.url);
    await Promise.all(
      Array.from(
        { length: workers },
        (_, w) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(workerFile, { workerData: { file, worker: w, count: perWorker } });
            worker.once("error", reject);
            worker.once("exit", (code) =>
              code === 0 ? resolve() : reject(new Error(`worker exited ${code}`)),
            );
          }),
      ),
    );
    const events = await store.listEvents("t", "s");
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: workers * perWorker }, (_, i) => i + 1));
    for (let w = 0; w < workers; w++) {
      const mine = events.filter((e) => (e.data as { worker: number }).worker === w);
      expect(mine.map((e) => (e.data as { i: number }).i)).toEqual(
        Array.from({ length: perWorker }, (_, i) => i),
      );
    }
    await store.close();
  });
});
