import { describe, expect, it } from "vitest";
import { canTransition, type RunStatus } from "../../../src/store/store.ts";
import { type ConformanceContext, rejectsWithCode } from "./context.ts";

const statuses: RunStatus[] = ["queued", "running", "completed", "failed", "cancelled", "interrupted"];
/** A path from creation to each status, used to set up every transition pair. */
const pathTo: Record<RunStatus, { create: "queued" | "running"; steps: RunStatus[] }> = {
  queued: { create: "queued", steps: [] },
  running: { create: "running", steps: [] },
  completed: { create: "running", steps: ["completed"] },
  failed: { create: "running", steps: ["failed"] },
  cancelled: { create: "queued", steps: ["cancelled"] },
  interrupted: { create: "running", steps: ["interrupted"] },
};

/** Conformance: runs. */
export function describeRuns(t: ConformanceContext): void {
  describe("runs", () => {
    it("creates runs scoped by tenant and allows one running run per session", async () => {
      await t.session(t.A, "s1");
      await t.session(t.A, "s2");
      const r1 = await t.run(t.A, "s1", "r1");
      expect(r1).toEqual({
        id: "r1",
        tenantId: t.A,
        sessionId: "s1",
        agent: "echo",
        status: "running",
        lastStep: 0,
        lastSeq: 0,
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        createdAt: 1_000_000,
        updatedAt: 1_000_000,
      });
      await rejectsWithCode(t.run(t.A, "s1", "r2"), "session_busy");
      await t.run(t.A, "s1", "r3", "queued");
      await t.run(t.A, "s2", "r4");
      await rejectsWithCode(t.run(t.A, "s1", "r1", "queued"), "already_exists");
      await rejectsWithCode(t.run(t.A, "missing", "r5"), "session_not_found");
      await rejectsWithCode(t.run(t.B, "s1", "r6"), "session_not_found");
      await rejectsWithCode(t.store.transitionRun(t.A, "r3", "running"), "session_busy");

      await t.store.transitionRun(t.A, "r1", "completed");
      expect((await t.store.transitionRun(t.A, "r3", "running")).status).toBe("running");

      expect(await t.store.getRun(t.B, "r1")).toBeUndefined();
      await rejectsWithCode(t.store.transitionRun(t.B, "r3", "cancelled"), "run_not_found");
      expect(await t.store.listRuns(t.B)).toEqual([]);
      expect((await t.store.listRuns(t.A, { sessionId: "s1" })).map((r) => r.id).sort()).toEqual([
        "r1",
        "r3",
      ]);
      expect((await t.store.listRuns(t.A, { status: "running" })).map((r) => r.id).sort()).toEqual([
        "r3",
        "r4",
      ]);
    });

    it("follows the run state machine for every pair of states", async () => {
      let n = 0;
      for (const from of statuses) {
        for (const to of statuses) {
          const id = `r${n++}`;
          await t.session(t.A, `s-${id}`);
          await t.run(t.A, `s-${id}`, id, pathTo[from].create);
          for (const step of pathTo[from].steps) await t.store.transitionRun(t.A, id, step);
          expect((await t.store.getRun(t.A, id))?.status).toBe(from);
          const attempt = t.store.transitionRun(t.A, id, to);
          if (canTransition(from, to)) expect((await attempt).status).toBe(to);
          else await rejectsWithCode(attempt, "invalid_run_transition");
        }
      }
      expect(canTransition("running", "completed")).toBe(true);
      expect(canTransition("completed", "running")).toBe(false);
    });

    it("records the end of a run: reason, error, result, usage and time", async () => {
      await t.session(t.A, "s1");
      await t.run(t.A, "s1", "r1");
      t.clock += 42;
      const usage = { inputTokens: 3, outputTokens: 4, totalTokens: 7 };
      const ended = await t.store.transitionRun(t.A, "r1", "failed", {
        stopReason: "model-error",
        error: { code: "model_server_error", message: "boom" },
        result: { text: "partial" },
        usage,
      });
      expect(ended).toMatchObject({
        status: "failed",
        stopReason: "model-error",
        error: { code: "model_server_error", message: "boom" },
        result: { text: "partial" },
        usage,
        updatedAt: 1_000_042,
        endedAt: 1_000_042,
      });
      expect(await t.store.getRun(t.A, "r1")).toEqual(ended);
    });

    it("commits run progress atomically with the run's events", async () => {
      await t.session(t.A, "s1");
      await t.run(t.A, "s1", "r1");
      const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
      await t.store.appendEvents(t.A, "s1", [{ type: "turn-end", runId: "r1", data: {} }], {
        runId: "r1",
        steps: 1,
        usage,
      });
      expect(await t.store.getRun(t.A, "r1")).toMatchObject({
        status: "running",
        lastStep: 1,
        lastSeq: 1,
        usage,
      });
      await t.store.appendEvents(
        t.A,
        "s1",
        [
          { type: "tool-result", runId: "r1", data: { callId: "c1" } },
          { type: "run-end", runId: "r1", data: { text: "done" } },
        ],
        {
          runId: "r1",
          steps: 1,
          end: { status: "completed", stopReason: "done", result: { text: "done" }, usage },
        },
      );
      const ended = await t.store.getRun(t.A, "r1");
      expect(ended).toMatchObject({ status: "completed", lastStep: 2, lastSeq: 3, stopReason: "done" });
      expect(ended?.endedAt).toBe(1_000_000);

      // t.A run that is no longer running cannot commit: neither the events nor the progress are written.
      await rejectsWithCode(
        t.store.appendEvents(t.A, "s1", [{ type: "turn-end", runId: "r1", data: {} }], {
          runId: "r1",
          steps: 1,
        }),
        "run_not_active",
      );
      expect(await t.store.listEvents(t.A, "s1")).toHaveLength(3);
      expect((await t.store.getRun(t.A, "r1"))?.lastStep).toBe(2);
      await t.session(t.A, "s2");
      await rejectsWithCode(
        t.store.appendEvents(t.A, "s2", [{ type: "x", data: 1 }], { runId: "r1", steps: 1 }),
        "run_not_found",
      );
      await rejectsWithCode(
        t.store.appendEvents(t.B, "s1", [{ type: "x", data: 1 }], { runId: "r1", steps: 1 }),
        "run_not_found",
      );
      expect(await t.store.listEvents(t.A, "s2")).toEqual([]);
    });

    it("finds runs by status across tenants, oldest first", async () => {
      await t.session(t.A, "s1");
      await t.session(t.B, "s1");
      await t.run(t.A, "s1", "ra");
      t.clock += 1;
      await t.run(t.B, "s1", "rb");
      await t.run(t.A, "s1", "rq", "queued");
      expect((await t.store.findRunsByStatus(["running"])).map((r) => r.id)).toEqual(["ra", "rb"]);
      expect((await t.store.findRunsByStatus(["running", "queued"])).map((r) => r.id)).toEqual([
        "ra",
        "rb",
        "rq",
      ]);
      expect(await t.store.findRunsByStatus([])).toEqual([]);
    });
  });
}
