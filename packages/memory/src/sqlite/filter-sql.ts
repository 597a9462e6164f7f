import { InvalidMemoryInputError } from "../store/errors.ts";
import { normalizePrefix } from "../store/namespace.ts";
import type { MemoryFilter } from "../store/types.ts";
import { Where } from "./connection.ts";

/**
 * `column` lies under the namespace prefix (whole segments); undefined for `/`, which matches everything. A
 * byte-order range rather than LIKE: case-sensitive (LIKE is not, in SQLite) and served by the namespace index.
 * Every name under `/a/b/` sorts between `/a/b/` and `/a/b0` because `0` follows `/`. (PostgreSQL: COLLATE "C".)
 */
export function namespaceClause(
  column: string,
  prefix: string,
): { sql: string; params: string[] } | undefined {
  const normalized = normalizePrefix(prefix);
  if (normalized === "/") return undefined;
  return {
    sql: `(${column} = ? OR (${column} >= ? AND ${column} < ?))`,
    params: [normalized, `${normalized}/`, `${normalized}0`],
  };
}

/** The WHERE clause (over `memory_records r`) for a tenant and a filter, evaluated at `now`. */
export function filterWhere(tenantId: string, filter: MemoryFilter, now: number): Where {
  const where = new Where().add("r.tenant_id = ?", tenantId);
  const namespace =
    filter.namespacePrefix === undefined ? undefined : namespaceClause("r.namespace", filter.namespacePrefix);
  if (namespace) where.add(namespace.sql, ...namespace.params);
  if (filter.kinds !== undefined) {
    if (filter.kinds.length === 0) throw new InvalidMemoryInputError("`kinds` may not be an empty list");
    where.add(`r.kind IN (${filter.kinds.map(() => "?").join(", ")})`, ...filter.kinds);
  }
  const status = filter.status ?? "active";
  if (status !== "any") where.add("r.status = ?", status);
  if (filter.createdAfter !== undefined) where.add("r.created_at >= ?", filter.createdAfter);
  if (filter.createdBefore !== undefined) where.add("r.created_at < ?", filter.createdBefore);
  if (!filter.includeExpired) where.add("(r.expires_at IS NULL OR r.expires_at > ?)", now);
  return where;
}
