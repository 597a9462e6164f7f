import { VectorDimensionError } from "../store/errors.ts";
import type { VectorIndexInfo } from "../store/store.ts";
import type { MemoryStatus } from "../store/types.ts";
import type { Connection } from "./connection.ts";

/** sqlite-vec's largest `k` for one KNN query. */
export const MAX_KNN = 4096;
const SETTING = "vector_index";

/** Float32 bytes, the form sqlite-vec stores. */
function toBlob(vector: readonly number[], dimensions: number): Uint8Array {
  if (vector.length !== dimensions)
    throw new VectorDimensionError(`Expected a vector of ${dimensions} dimensions, got ${vector.length}`);
  for (const value of vector) {
    if (!Number.isFinite(value)) throw new VectorDimensionError("Vectors may only hold finite numbers");
  }
  return new Uint8Array(Float32Array.from(vector).buffer);
}

/**
 * The sqlite-vec `vec0` table: one row per record (keyed by the record's `seq`), partitioned by tenant, with the
 * record's status as a metadata column so KNN skips retired records. Created on first open with `vectors`; its
 * size and model are recorded in `memory_settings` and checked on every later open.
 */
export class VectorIndex {
  readonly info: VectorIndexInfo;
  private readonly c: Connection;

  private constructor(c: Connection, info: VectorIndexInfo) {
    this.c = c;
    this.info = info;
  }

  /** The existing index (checked against `requested`), a new one when `requested`, else undefined. */
  static open(c: Connection, requested: VectorIndexInfo | undefined): VectorIndex | undefined {
    const row = c.get("SELECT value FROM memory_settings WHERE key = ?", SETTING);
    const existing = row ? (JSON.parse(row.value as string) as VectorIndexInfo) : undefined;
    if (existing) {
      if (requested && (requested.dimensions !== existing.dimensions || requested.model !== existing.model)) {
        throw new VectorDimensionError(
          `The memory store's vectors are ${existing.dimensions}-dimensional from ${existing.model}; ` +
            `it was opened with ${requested.dimensions} from ${requested.model}. Use the same embedding model ` +
            "or a new store.",
        );
      }
      return new VectorIndex(c, existing);
    }
    if (!requested) return undefined;
    const dimensions = requested.dimensions;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192)
      throw new VectorDimensionError(`Invalid vector size ${dimensions}`);
    c.transaction(() => {
      c.db.exec(
        `CREATE VIRTUAL TABLE memory_vec USING vec0(seq INTEGER PRIMARY KEY, embedding float[${dimensions}] distance_metric=cosine, tenant_id TEXT partition key, status TEXT)`,
      );
      c.run(
        "INSERT INTO memory_settings (key, value) VALUES (?, ?)",
        SETTING,
        JSON.stringify({ dimensions, model: requested.model }),
      );
    });
    return new VectorIndex(c, { dimensions, model: requested.model });
  }

  /** Checks a vector before any write, so a bad one fails the batch before it starts. */
  check(vector: readonly number[]): void {
    toBlob(vector, this.info.dimensions);
  }

  /** Appends to the change log the approximate index replays (same transaction as the vector write). */
  private changed(tenantId: string, seq: number): void {
    this.c.run("INSERT INTO memory_vec_changes (tenant_id, seq) VALUES (?, ?)", tenantId, seq);
  }

  put(seq: number, tenantId: string, status: MemoryStatus, vector: readonly number[]): void {
    const blob = toBlob(vector, this.info.dimensions);
    this.c.run("DELETE FROM memory_vec WHERE seq = ?", BigInt(seq));
    this.changed(tenantId, seq);
    this.c.run(
      "INSERT INTO memory_vec (seq, embedding, tenant_id, status) VALUES (?, ?, ?, ?)",
      BigInt(seq),
      blob,
      tenantId,
      status,
    );
  }

  setStatus(seq: number, tenantId: string, status: MemoryStatus): void {
    if (this.c.run("UPDATE memory_vec SET status = ? WHERE seq = ?", status, BigInt(seq)) > 0)
      this.changed(tenantId, seq);
  }

  delete(seq: number, tenantId: string): void {
    if (this.c.run("DELETE FROM memory_vec WHERE seq = ?", BigInt(seq)) > 0) this.changed(tenantId, seq);
  }

  /** The `k` nearest vectors of the tenant, nearest first, optionally of one status only. */
  knn(
    tenantId: string,
    vector: readonly number[],
    k: number,
    status: MemoryStatus | undefined,
  ): { seq: number; distance: number }[] {
    const blob = toBlob(vector, this.info.dimensions);
    const rows = status
      ? this.c.all(
          "SELECT seq, distance FROM memory_vec WHERE embedding MATCH ? AND k = ? AND tenant_id = ? AND status = ? ORDER BY distance",
          blob,
          BigInt(k),
          tenantId,
          status,
        )
      : this.c.all(
          "SELECT seq, distance FROM memory_vec WHERE embedding MATCH ? AND k = ? AND tenant_id = ? ORDER BY distance",
          blob,
          BigInt(k),
          tenantId,
        );
    return rows.map((row) => ({ seq: Number(row.seq), distance: row.distance as number }));
  }
}
