import type { Message } from "@skein/core";
import { describe, expect, it } from "vitest";
import { type ConformanceContext, rejectsWithCode } from "./context.ts";

const user = (content: string): Message => ({ role: "user", content });
const assistant = (content: string): Message => ({ role: "assistant", content });

/** Conformance: the session history written with run ends, queued runs' input and the runs a start recovers. */
export function describeHistoryAndRecovery(t: ConformanceContext): void {
  describe("session history", () => {
    it("appends a run's messages atomically with its end, in order, scoped by tenant", async () => {
      await t.session(t.A, "s1");
      await t.session(t.B, "s1");
      expect(await t.store.listHistory(t.A, "s1")).toEqual([]);
      await t.run(t.A, "s1", "r1");
      await t.store.appendEvents(t.A, "s1", [{ type: "run-end", runId: "r1", data: {} }], {
        runId: "r1",
        end: { status: "completed" },
        history: [user("one"), assistant("two")],
      });
      await t.run(t.A, "s1", "r2");
      await t.store.appendEvents(t.A, "s1", [{ type: "run-end", runId: "r2", data: {} }], {
        runId: "r2",
        end: { status: "completed" },
        history: [user("three")],
      });
      expect(await t.store.listHistory(t.A, "s1")).toEqual([user("one"), assistant("two"), user("three")]);
      expect(await t.store.listHistory(t.B, "s1")).toEqual([]);
      expect(await t.store.listHistory(t.A, "missing")).toEqual([]);

      // A run that is no longer running commits nothing: neither its events nor its history.
      await rejectsWithCode(
        t.store.appendEvents(t.A, "s1", [{ type: "run-end", runId: "r2", data: {} }], {
          runId: "r2",
          history: [user("late")],
        }),
        "run_not_active",
      );
      expect(await t.store.listHistory(t.A, "s1")).toHaveLength(3);

      expect(await t.store.deleteSession(t.A, "s1")).toBe(true);
      await t.session(t.A, "s1");
      expect(await t.store.listHistory(t.A, "s1")).toEqual([]);
    });
  });

  describe("recovery", () => {
    it("keeps a queued run's input until it starts", async () => {
      await t.session(t.A, "s1");
      const input = [user("wait for me")];
      const queued = await t.store.createRun({
        tenantId: t.A,
        sessionId: "s1",
        id: "rq",
        agent: "echo",
        status: "queued",
        input,
      });
      expect(queued.input).toEqual(input);
      expect((await t.store.getRun(t.A, "rq"))?.input).toEqual(input);
      expect((await t.run(t.A, "s1", "r-plain")).input).toBeUndefined();
    });

    it("resumes a suspended run: its stop reason, error and end time are cleared", async () => {
      await t.session(t.A, "s1");
      await t.run(t.A, "s1", "r1");
      t.clock += 5;
      const suspended = await t.store.transitionRun(t.A, "r1", "interrupted", {
        stopReason: "shutdown",
        error: { code: "server_shutdown", message: "bye" },
      });
      expect(suspended).toMatchObject({ status: "interrupted", stopReason: "shutdown", endedAt: 1_000_005 });
      t.clock += 5;
      const resumed = await t.store.transitionRun(t.A, "r1", "running");
      expect(resumed.status).toBe("running");
      expect(resumed.stopReason).toBeUndefined();
      expect(resumed.error).toBeUndefined();
      expect(resumed.endedAt).toBeUndefined();
      await t.run(t.A, "s1", "r2", "queued");
      await rejectsWithCode(t.store.transitionRun(t.A, "r2", "running"), "session_busy");
      t.clock += 5;
      expect(await t.store.transitionRun(t.A, "r1", "completed", { stopReason: "done" })).toMatchObject({
        status: "completed",
        stopReason: "done",
        endedAt: 1_000_015,
      });
    });

    it("finds running, queued and suspended runs across tenants, oldest first", async () => {
      for (const id of ["s1", "s2", "s3", "s4", "s5"]) await t.session(t.A, id);
      await t.session(t.B, "s1");
      await t.run(t.A, "s1", "running-a");
      t.clock += 1;
      await t.run(t.B, "s1", "running-b");
      t.clock += 1;
      await t.run(t.A, "s2", "suspended");
      await t.store.transitionRun(t.A, "suspended", "interrupted", { stopReason: "shutdown" });
      t.clock += 1;
      await t.run(t.A, "s3", "interrupted");
      await t.store.transitionRun(t.A, "interrupted", "interrupted", { stopReason: "error" });
      t.clock += 1;
      await t.run(t.A, "s4", "done");
      await t.store.transitionRun(t.A, "done", "completed");
      t.clock += 1;
      await t.run(t.A, "s1", "queued", "queued");
      expect((await t.store.findRunsToRecover()).map((r) => r.id)).toEqual([
        "running-a",
        "running-b",
        "suspended",
        "queued",
      ]);
      expect((await t.store.findRunsToRecover(2)).map((r) => r.id)).toEqual(["running-a", "running-b"]);
    });
  });
}
