import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./context.ts";

export function describeJobs(t: ConformanceContext): void {
  describe("extraction jobs", () => {
    it("moves a job from queued to running to succeeded with its outcome", async () => {
      const job = await t.store.createJob(t.A, {
        namespace: "/t/a",
        sessionId: "s-1",
        trigger: "turns",
        strategies: ["semantic", "summary"],
        messageCount: 4,
      });
      expect(job).toMatchObject({
        tenantId: t.A,
        status: "queued",
        createdAt: t.clock,
        sessionId: "s-1",
        messageCount: 4,
      });
      t.clock += 5;
      expect(await t.store.updateJob(t.A, job.id, { status: "running" })).toMatchObject({
        status: "running",
        startedAt: t.clock,
      });
      t.clock += 5;
      const outcome = {
        created: ["r1"],
        updated: [{ from: "r0", to: "r2" }],
        contradicted: [],
        duplicates: ["r3"],
      };
      const done = await t.store.updateJob(t.A, job.id, { status: "succeeded", outcome });
      expect(done).toMatchObject({ status: "succeeded", endedAt: t.clock, outcome });
      expect(done.error).toBeUndefined();
      expect(await t.store.getJob(t.A, job.id)).toEqual(done);
    });

    it("records a failure with its error", async () => {
      const job = await t.store.createJob(t.A, {
        namespace: "/t/a",
        trigger: "session-end",
        strategies: ["x"],
        messageCount: 1,
      });
      const failed = await t.store.updateJob(t.A, job.id, {
        status: "failed",
        error: { code: "extraction_output_invalid", message: "not JSON" },
      });
      expect(failed).toMatchObject({ status: "failed", error: { code: "extraction_output_invalid" } });
    });

    it("scopes jobs by tenant and lists newest first with filters", async () => {
      const first = await t.store.createJob(t.A, {
        namespace: "/t/a",
        sessionId: "s1",
        trigger: "turns",
        strategies: [],
        messageCount: 1,
      });
      t.clock += 1;
      const second = await t.store.createJob(t.A, {
        namespace: "/t/a",
        sessionId: "s2",
        trigger: "turns",
        strategies: [],
        messageCount: 1,
      });
      await t.store.createJob(t.B, {
        namespace: "/t/a",
        sessionId: "s1",
        trigger: "turns",
        strategies: [],
        messageCount: 1,
      });
      expect((await t.store.listJobs(t.A)).map((j) => j.id)).toEqual([second.id, first.id]);
      expect((await t.store.listJobs(t.A, { sessionId: "s1" })).map((j) => j.id)).toEqual([first.id]);
      expect(await t.store.listJobs(t.A, { status: "running" })).toEqual([]);
      expect(await t.store.getJob(t.B, first.id)).toBeUndefined();
      await expect(t.store.updateJob(t.B, first.id, { status: "running" })).rejects.toMatchObject({
        code: "extraction_job_not_found",
      });
    });
  });
}
