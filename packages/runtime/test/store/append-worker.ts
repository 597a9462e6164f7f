// Worker thread for the cross-connection append test: its own SQLite connection appending to one session.
import { workerData } from "node:worker_threads";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

const { file, worker, count } = workerData as { file: string; worker: number; count: number };
const store = openSqliteStore({ path: file, busyTimeoutMs: 20_000 });
for (let i = 0; i < count; i++) {
  await store.appendEvents("t", "s", [{ type: "note", data: { worker, i } }]);
}
await store.close();
