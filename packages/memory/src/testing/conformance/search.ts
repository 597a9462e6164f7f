import { describe, expect, it } from "vitest";
import { axis, type ConformanceContext, DIMENSIONS } from "./context.ts";

export function describeSearch(t: ConformanceContext): void {
  describe("text search", () => {
    it("ranks records matching more and rarer words first, within the tenant", async () => {
      await t.create(t.A, { id: "both", text: "The user is allergic to peanuts and shellfish" });
      await t.create(t.A, { id: "one", text: "The user enjoys shellfish dinners on Fridays" });
      await t.create(t.A, { id: "none", text: "The user works as a nurse" });
      await t.create(t.B, { id: "other", text: "allergic to peanuts and shellfish" });
      const hits = await t.store.searchText(t.A, "peanuts shellfish allergy?");
      expect(hits.map((h) => h.record.id)).toEqual(["both", "one"]);
      expect(hits.map((h) => h.rank)).toEqual([1, 2]);
      expect(hits.every((h) => h.record.tenantId === t.A)).toBe(true);
    });

    it("finds Chinese and Japanese text by its words, not only by a whole run of characters", async () => {
      await t.create(t.A, { id: "zh", text: "阿里巴巴的人工智能投资在2025年达到530亿美元" });
      await t.create(t.A, { id: "zh-pref", text: "用户喜欢用表格比较数据" });
      await t.create(t.A, { id: "ja", text: "東京の会社はAIに投資する" });
      await t.create(t.A, { id: "en", text: "The user follows Tencent's AI spending" });
      const ids = async (query: string) => (await t.store.searchText(t.A, query)).map((h) => h.record.id);
      expect(await ids("人工智能")).toEqual(["zh"]);
      expect(await ids("阿里巴巴投资多少？")).toEqual(["zh"]);
      expect(await ids("表格")).toEqual(["zh-pref"]);
      expect(await ids("会社")).toEqual(["ja"]);
      expect(await ids("Tencent 人工智能")).toEqual(expect.arrayContaining(["zh", "en"]));
      // The record's own text is returned untouched.
      const [hit] = await t.store.searchText(t.A, "美元");
      expect(hit?.record.text).toBe("阿里巴巴的人工智能投资在2025年达到530亿美元");
    });

    it("never parses user text as query syntax", async () => {
      await t.create(t.A, { id: "near", text: "The office is near the station" });
      await t.create(t.A, { id: "quote", text: 'She said "hello world" at the meetup' });
      await t.create(t.A, { id: "dash", text: "Uses the e-mail address for billing" });
      const queries = [
        '"',
        'hello "world',
        "NEAR(office station)",
        "NEAR",
        "office*",
        "-office",
        "station AND NOT office",
        "text:office",
        "^office",
        "(office OR",
        "e-mail",
        "' OR 1=1 --",
        "{text}: office",
        "",
        "   ",
        "!!! ???",
      ];
      for (const query of queries)
        await expect(t.store.searchText(t.A, query)).resolves.toBeInstanceOf(Array);
      expect((await t.store.searchText(t.A, "NEAR")).map((h) => h.record.id)).toEqual(["near"]);
      expect((await t.store.searchText(t.A, 'hello "world')).map((h) => h.record.id)).toEqual(["quote"]);
      expect((await t.store.searchText(t.A, "e-mail")).map((h) => h.record.id)).toEqual(["dash"]);
      expect(await t.store.searchText(t.A, "!!! ???")).toEqual([]);
      // `station*` is the word "station", not a prefix query.
      await t.create(t.A, { id: "stationery", text: "Buys stationery in bulk" });
      expect((await t.store.searchText(t.A, "station*")).map((h) => h.record.id)).toEqual(["near"]);
    });
  });

  describe("vector search", () => {
    it("returns nearest records first, only the tenant's active ones", async () => {
      await t.create(t.A, { id: "x", text: "x" }, axis(0));
      await t.create(t.A, { id: "x-ish", text: "x-ish" }, axis(1, 0, 0.5));
      await t.create(t.A, { id: "y", text: "y" }, axis(1));
      const retired = await t.create(t.A, { id: "x-retired", text: "x retired" }, axis(0, 1, 0.01));
      await t.store.apply(t.A, [{ op: "retire", id: retired.id, reason: "manual" }]);
      await t.create(t.B, { id: "x-other-tenant", text: "x" }, axis(0));
      const hits = await t.store.searchVector(t.A, axis(0), {}, 10);
      expect(hits.map((h) => h.record.id)).toEqual(["x", "x-ish", "y"]);
      expect(hits[0]!.score).toBeCloseTo(0, 5);
      expect(hits[0]!.score).toBeLessThan(hits[1]!.score);
      expect((await t.store.searchVector(t.A, axis(0), { status: "any" }, 1)).length).toBe(1);
    });

    it("applies namespace and kind filters even when closer records lie outside them", async () => {
      for (let i = 0; i < 60; i++)
        await t.create(t.A, { namespace: "/t/crowd", text: `crowd ${i}` }, axis(2, 3, i / 100));
      await t.create(
        t.A,
        { id: "target", namespace: "/t/me", kind: "preference", text: "far away" },
        axis(5),
      );
      await t.create(
        t.A,
        { id: "wrong-kind", namespace: "/t/me", kind: "fact", text: "also here" },
        axis(5, 2, 0.2),
      );
      const hits = await t.store.searchVector(
        t.A,
        axis(2),
        { namespacePrefix: "/t/me", kinds: ["preference"] },
        3,
      );
      expect(hits.map((h) => h.record.id)).toEqual(["target"]);
    });

    it("rejects vectors of the wrong size", async () => {
      await expect(t.create(t.A, { text: "bad" }, [1, 2, 3])).rejects.toMatchObject({
        code: "vector_dimension_mismatch",
      });
      await expect(t.store.searchVector(t.A, new Array(DIMENSIONS + 1).fill(1))).rejects.toMatchObject({
        code: "vector_dimension_mismatch",
      });
    });

    it("drops the vector of a record whose text changed without a new one", async () => {
      const record = await t.create(t.A, { text: "old text" }, axis(4));
      await t.store.apply(t.A, [{ op: "update", id: record.id, patch: { text: "new text" } }]);
      expect(await t.store.searchVector(t.A, axis(4))).toEqual([]);
      await t.store.apply(t.A, [{ op: "update", id: record.id, patch: {}, embedding: axis(6) }]);
      expect((await t.store.searchVector(t.A, axis(6))).map((h) => h.record.id)).toEqual([record.id]);
    });
  });
}
