import { normalizePrefix } from "../store/namespace.ts";
import type { MemoryFilter, RankedHit } from "../store/types.ts";
import type { Connection, Row } from "./connection.ts";
import { filterWhere } from "./filter-sql.ts";
import { queryTerms } from "./fts-query.ts";
import { recordFromRow } from "./rows.ts";

export interface TextSearchOptions {
  /**
   * Most postings (documents matched, summed over the query's terms) one BM25 query may score; FTS5 scores every
   * matching row, so this bounds the cost. Queries within it are scored exactly over all their terms (default 4000).
   */
  maxPostings?: number;
}

const quote = (term: string): string => `"${term.replaceAll('"', '""')}"`;
const WORD = /[\p{L}\p{N}]+/gu;
/** Rows an approximate (AND of common terms) query reads and scores here. */
const APPROX_CANDIDATES = 50;
const ENOUGH = 10;
/** An unscoped query first takes FTS5's top `limit × OVERFETCH` rows, then filters them. */
const OVERFETCH = 2;

export interface Plan {
  /** An FTS5 MATCH expression of quoted terms. */
  match: string;
  /** FTS5's bm25() over every matching row; otherwise an approximate ranking of the newest matches. */
  exact: boolean;
  terms: { term: string; df: number }[];
}

/**
 * BM25 search over FTS5 that does not let common words make it score most of the corpus (FTS5 computes bm25()
 * for every matching row, and scans each term's whole posting list for its IDF). Each term's document frequency
 * is counted once and cached. When the query's terms together match at most `maxPostings` rows, the query is the
 * exact BM25 over all of them (small corpora, rare words). Otherwise the rarest terms that fit in the budget are
 * ORed and the common ones left out (a common term's IDF is small, so it moves BM25 little); when even the rarest
 * term is over the budget, the documents holding all the terms are ranked approximately (see `approximate`).
 */
export class TextSearch {
  private readonly c: Connection;
  private readonly maxPostings: number;
  private readonly df = new Map<string, { df: number; corpus: number }>();

  constructor(c: Connection, options: TextSearchOptions = {}) {
    this.c = c;
    this.maxPostings = options.maxPostings ?? 4000;
  }

  search(tenantId: string, text: string, filter: MemoryFilter, limit: number): RankedHit[] {
    const terms = queryTerms(text);
    if (terms.length === 0) return [];
    // Each plan adds what the ones before it did not find. The plans after the first (common terms only, weak
    // evidence) run only while fewer than `ENOUGH` hits were found: they cost more than they add beyond that.
    const hits: RankedHit[] = [];
    const seen = new Set<string>();
    for (const plan of this.plan(terms)) {
      const more = plan.exact
        ? this.ranked(tenantId, plan.match, filter, limit)
        : this.approximate(tenantId, plan, filter, limit);
      for (const hit of more) {
        if (hits.length >= limit || seen.has(hit.record.id)) continue;
        seen.add(hit.record.id);
        hits.push({ ...hit, rank: hits.length + 1 });
      }
      if (hits.length >= Math.min(limit, ENOUGH)) break;
    }
    return hits;
  }

  /** The MATCH expressions to run in turn until enough is found. */
  plan(terms: string[]): Plan[] {
    const corpus = this.corpusSize();
    const counted = terms.map((term) => ({ term, df: this.documentFrequency(term, corpus) }));
    const total = counted.reduce((sum, t) => sum + t.df, 0);
    if (total <= this.maxPostings)
      return [{ match: terms.map(quote).join(" OR "), exact: true, terms: counted }];
    const present = counted.filter((t) => t.df > 0).sort((a, b) => a.df - b.df);
    const rare: typeof present = [];
    let postings = 0;
    for (const t of present) {
      if (postings + t.df > this.maxPostings) break;
      rare.push(t);
      postings += t.df;
    }
    const plans: Plan[] = [];
    if (rare.length > 0)
      plans.push({ match: rare.map((t) => quote(t.term)).join(" OR "), exact: true, terms: rare });
    // Then the common terms: the documents holding all of them (words in over a tenth of the corpus left out when
    // others remain), then the rarest two, then the rarest one, ranked without FTS5's scan of every posting.
    const common = present.slice(rare.length);
    const informative = common.filter((t) => t.df <= corpus / 10);
    const use = informative.length > 0 ? informative : rare.length > 0 ? [] : common.slice(0, 1);
    const and = (list: typeof present): Plan => ({
      match: list.map((t) => quote(t.term)).join(" AND "),
      exact: false,
      terms: list,
    });
    if (use.length > 0) plans.push(and(use));
    if (use.length > 2) plans.push(and(use.slice(0, 2)));
    if (use.length > 1) plans.push(and(use.slice(0, 1)));
    return plans;
  }

  /** FTS5's BM25 over every row matching `match`: exact, and as costly as the rows matched. */
  private ranked(tenantId: string, match: string, filter: MemoryFilter, limit: number): RankedHit[] {
    const where = filterWhere(tenantId, filter, this.c.now());
    const hits = (rows: Row[]): RankedHit[] =>
      rows.map((row, i) => ({ record: recordFromRow(row), rank: i + 1, score: row.score as number }));
    if (filter.namespacePrefix === undefined || normalizePrefix(filter.namespacePrefix) === "/") {
      // Unscoped: FTS5 ranks alone, then the filters apply to its top rows. When enough of them pass (one
      // tenant's search usually), those are the answer, without joining every matching row to its record.
      const fetch = limit * OVERFETCH;
      const top = this.c.all(
        `SELECT rowid AS seq, bm25(memory_fts) AS score FROM memory_fts WHERE memory_fts MATCH ?
         ORDER BY score, rowid LIMIT ?`,
        match,
        fetch,
      );
      const score = new Map(top.map((row) => [row.seq as number, row.score as number]));
      const rows =
        top.length === 0
          ? []
          : this.c.all(
              `SELECT r.* FROM json_each(?) AS j CROSS JOIN memory_records r ON r.seq = j.value WHERE ${where}`,
              JSON.stringify(top.map((row) => row.seq)),
              ...where.params,
            );
      if (rows.length >= limit || top.length < fetch)
        return rows
          .map((row) => ({ row, score: score.get(row.seq as number)! }))
          .sort((a, b) => a.score - b.score || (a.row.seq as number) - (b.row.seq as number))
          .slice(0, limit)
          .map((hit, i) => ({ record: recordFromRow(hit.row), rank: i + 1, score: hit.score }));
    }
    return hits(
      this.c.all(
        `SELECT r.*, bm25(memory_fts) AS score FROM memory_fts JOIN memory_records r ON r.seq = memory_fts.rowid
         WHERE memory_fts MATCH ? AND ${where} ORDER BY score, r.seq LIMIT ?`,
        match,
        ...where.params,
        limit,
      ),
    );
  }

  /**
   * An AND of common terms: the newest matching rows (at most `APPROX_CANDIDATES`), scored here with FTS5's BM25
   * formula from the cached document frequencies, taking each term once (every row holds all of them).
   */
  private approximate(tenantId: string, plan: Plan, filter: MemoryFilter, limit: number): RankedHit[] {
    const where = filterWhere(tenantId, filter, this.c.now());
    const rows = this.c.all(
      `SELECT r.* FROM memory_fts JOIN memory_records r ON r.seq = memory_fts.rowid
       WHERE memory_fts MATCH ? AND ${where} ORDER BY memory_fts.rowid DESC LIMIT ?`,
      plan.match,
      ...where.params,
      Math.max(APPROX_CANDIDATES, limit),
    );
    if (rows.length === 0) return [];
    const corpus = Math.max(this.corpusSize(), 1);
    const idf = plan.terms.reduce(
      (sum, t) => sum + Math.max(1e-6, Math.log((corpus - t.df + 0.5) / (t.df + 0.5))),
      0,
    );
    const lengths = rows.map((row) => (row.text as string).match(WORD)?.length ?? 1);
    const average = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    return rows
      .map((row, i) => ({ row, score: -idf * (2.2 / (1 + 1.2 * (0.25 + (0.75 * lengths[i]!) / average))) }))
      .sort((a, b) => a.score - b.score || (a.row.seq as number) - (b.row.seq as number))
      .slice(0, limit)
      .map((hit, i) => ({ record: recordFromRow(hit.row), rank: i + 1, score: hit.score }));
  }

  /** Rows in the text index, estimated by the highest record `seq` (cheap; deletions only make it larger). */
  private corpusSize(): number {
    return (this.c.get("SELECT max(seq) AS n FROM memory_records")!.n as number | null) ?? 0;
  }

  /** Documents (of every tenant) holding `term`; cached until the corpus has grown or shrunk by a tenth. */
  private documentFrequency(term: string, corpus: number): number {
    const cached = this.df.get(term);
    if (cached && Math.abs(corpus - cached.corpus) <= cached.corpus / 10) return cached.df;
    const df = this.c.get("SELECT count(*) AS n FROM memory_fts WHERE memory_fts MATCH ?", quote(term))!
      .n as number;
    if (this.df.size >= 100_000) this.df.clear();
    this.df.set(term, { df, corpus });
    return df;
  }
}
