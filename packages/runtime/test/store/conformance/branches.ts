import type { Message } from "@skein/core";
import { describe, expect, it } from "vitest";
import { type ConformanceContext, rejectsWithCode } from "./context.ts";

const user = (content: string): Message => ({ role: "user", content });
const assistant = (content: string): Message => ({ role: "assistant", content });

/** Conformance: session branches (`forkSession`). */
export function describeBranches(t: ConformanceContext): void {
  describe("session branches", () => {
    /** s1: run r1 (events 1-2, history one/two with its end at 2), then run r2 (events 3-4, history three/four). */
    async function twoRuns(): Promise<void> {
      await t.store.createSession({
        tenantId: t.A,
        id: "s1",
        agent: "echo",
        actorId: "u-1",
        metadata: { topic: "parent" },
        expiresAt: t.clock + 60_000,
      });
      for (const [id, messages] of [
        ["r1", [user("one"), assistant("two")]],
        ["r2", [user("three"), assistant("four")]],
      ] as const) {
        await t.run(t.A, "s1", id);
        await t.store.appendEvents(t.A, "s1", [{ type: "run-start", runId: id, data: { n: id } }]);
        await t.store.appendEvents(t.A, "s1", [{ type: "run-end", runId: id, data: {} }], {
          runId: id,
          end: { status: "completed" },
          history: [...messages],
        });
      }
    }

    it("copies the log and history up to the fork point and records the parent", async () => {
      await twoRuns();
      t.clock += 10;
      const branch = await t.store.forkSession(t.A, "s1", {
        id: "b1",
        atSeq: 2,
        expiresAt: t.clock + 5_000,
        metadata: { topic: "branch" },
      });
      expect(branch).toEqual({
        id: "b1",
        tenantId: t.A,
        agent: "echo",
        actorId: "u-1",
        status: "active",
        metadata: { topic: "branch" },
        lastSeq: 2,
        createdAt: t.clock,
        updatedAt: t.clock,
        expiresAt: t.clock + 5_000,
        parentSessionId: "s1",
        forkedAtSeq: 2,
      });
      expect(await t.store.getSession(t.A, "b1")).toEqual(branch);
      const parentEvents = await t.store.listEvents(t.A, "s1");
      const events = await t.store.listEvents(t.A, "b1");
      expect(events).toEqual(parentEvents.slice(0, 2).map((e) => ({ ...e, sessionId: "b1" })));
      expect(await t.store.listHistory(t.A, "b1")).toEqual([user("one"), assistant("two")]);
      expect((await t.store.lastEvent(t.A, "b1", "run-end"))?.seq).toBe(2);
      expect((await t.store.listSessions(t.A, { parentSessionId: "s1" })).items.map((s) => s.id)).toEqual([
        "b1",
      ]);
      expect((await t.store.getSession(t.A, "s1"))?.parentSessionId).toBeUndefined();
    });

    it("keeps the branch and its parent apart from then on", async () => {
      await twoRuns();
      await t.store.forkSession(t.A, "s1", { id: "b1", atSeq: 2, expiresAt: t.clock + 5_000 });
      // The branch continues at event 3 with its own run; the parent's log and history are untouched.
      await t.run(t.A, "b1", "rb");
      const [next] = await t.store.appendEvents(t.A, "b1", [{ type: "run-end", runId: "rb", data: {} }], {
        runId: "rb",
        end: { status: "completed" },
        history: [user("other"), assistant("path")],
      });
      expect(next?.seq).toBe(3);
      expect(await t.store.listHistory(t.A, "b1")).toEqual([
        user("one"),
        assistant("two"),
        user("other"),
        assistant("path"),
      ]);
      expect(await t.store.listHistory(t.A, "s1")).toEqual([
        user("one"),
        assistant("two"),
        user("three"),
        assistant("four"),
      ]);
      expect((await t.store.listEvents(t.A, "s1")).map((e) => e.runId)).toEqual(["r1", "r1", "r2", "r2"]);
      expect((await t.store.getSession(t.A, "s1"))?.lastSeq).toBe(4);
      // Deleting the parent leaves the branch whole.
      expect(await t.store.deleteSession(t.A, "s1")).toBe(true);
      expect(await t.store.listEvents(t.A, "b1")).toHaveLength(3);
      expect(await t.store.listHistory(t.A, "b1")).toHaveLength(4);
    });

    it("forks at 0 (empty) and at the last event (everything); refuses points out of range", async () => {
      await twoRuns();
      const empty = await t.store.forkSession(t.A, "s1", { id: "b0", atSeq: 0, expiresAt: t.clock + 1 });
      expect(empty.lastSeq).toBe(0);
      expect(await t.store.listEvents(t.A, "b0")).toEqual([]);
      expect(await t.store.listHistory(t.A, "b0")).toEqual([]);
      await t.store.forkSession(t.A, "s1", { id: "b4", atSeq: 4, expiresAt: t.clock + 1 });
      expect(await t.store.listHistory(t.A, "b4")).toHaveLength(4);
      await rejectsWithCode(
        t.store.forkSession(t.A, "s1", { id: "b5", atSeq: 5, expiresAt: t.clock + 1 }),
        "fork_point_out_of_range",
      );
      await rejectsWithCode(
        t.store.forkSession(t.A, "s1", { id: "bn", atSeq: -1, expiresAt: t.clock + 1 }),
        "fork_point_out_of_range",
      );
      await rejectsWithCode(
        t.store.forkSession(t.A, "s1", { id: "b4", atSeq: 1, expiresAt: t.clock + 1 }),
        "already_exists",
      );
      expect(await t.store.getSession(t.A, "b5")).toBeUndefined();
    });

    it("never forks or lists another tenant's session", async () => {
      await twoRuns();
      await rejectsWithCode(
        t.store.forkSession(t.B, "s1", { id: "b1", atSeq: 1, expiresAt: t.clock + 1 }),
        "session_not_found",
      );
      expect(await t.store.getSession(t.B, "b1")).toBeUndefined();
      await t.store.forkSession(t.A, "s1", { id: "b1", atSeq: 1, expiresAt: t.clock + 1 });
      expect((await t.store.listSessions(t.B, { parentSessionId: "s1" })).items).toEqual([]);
      expect(await t.store.listEvents(t.B, "b1")).toEqual([]);
      // Tenant B may use the same ids for its own sessions and branches.
      await t.session(t.B, "s1");
      const own = await t.store.forkSession(t.B, "s1", { id: "b1", atSeq: 0, expiresAt: t.clock + 1 });
      expect(own.tenantId).toBe(t.B);
    });
  });
}
