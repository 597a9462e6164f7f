import { SkeinError } from "@skein/core";
import {
  actorNamespace,
  kindNamespace,
  type MemoryFilter,
  type MemoryRecord,
  type NewMemoryRecord,
} from "@skein/memory";
import type { z } from "zod";
import { readBody } from "../http/body.ts";
import type { RuntimeApp, RuntimeServices } from "../http/context.ts";
import { HttpError } from "../http/problem.ts";
import { parseQuery } from "../http/routes/v1.ts";
import { requireSession } from "../sessions/sessions.ts";
import type { HostedMemory } from "./hosted-memory.ts";
import { presentChange, presentJob, presentRecord, presentSearch } from "./memory-present.ts";
import {
  createJobBody,
  createRecordBody,
  listJobsQuery,
  listRecordsQuery,
  searchQuery,
  updateRecordBody,
} from "./memory-schemas.ts";

/** Memory errors by code: status of the problem answered. */
const memoryErrors: Record<string, number> = {
  invalid_memory_input: 400,
  embedding_not_configured: 400,
  memory_record_not_found: 404,
  extraction_job_not_found: 404,
  vector_dimension_mismatch: 400,
};

/** Runs `fn`, answering the memory package's typed errors as problems with their own codes. */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SkeinError && memoryErrors[error.code] !== undefined)
      throw new HttpError(memoryErrors[error.code]!, error.code, error.message, { cause: error });
    throw error;
  }
}

const filterOf = (q: z.infer<typeof listRecordsQuery> | z.infer<typeof searchQuery>): MemoryFilter => ({
  namespacePrefix: q.namespace,
  kinds: q.kind,
  status: q.status,
  createdAfter: q.createdAfter,
  createdBefore: q.createdBefore,
  includeExpired: q.includeExpired === "true",
});

/** The tenant's own part of the namespace tree: records created through the API must live under it. */
const tenantRoot = (tenantId: string) => `/tenants/${encodeURIComponent(tenantId)}`;

/** Every version of a record, oldest first: back along `supersedes`, forward along `supersededBy`. */
async function versionsOf(memory: HostedMemory, tenantId: string, record: MemoryRecord) {
  const older: MemoryRecord[] = [];
  const newer: MemoryRecord[] = [];
  const seen = new Set([record.id]);
  for (let id = record.supersedes; id && !seen.has(id) && seen.size < 100; ) {
    const version = await memory.store.get(tenantId, id);
    if (!version) break;
    seen.add(id);
    older.unshift(version);
    id = version.supersedes;
  }
  for (let id = record.supersededBy; id && !seen.has(id) && seen.size < 100; ) {
    const version = await memory.store.get(tenantId, id);
    if (!version) break;
    seen.add(id);
    newer.push(version);
    id = version.supersededBy;
  }
  return [...older, record, ...newer];
}

/**
 * `/v1/memory`: the tenant's long-term memory records (list, search, get, create, update as a new version,
 * delete), an actor's whole memory (delete), and extraction jobs (list, get, start one for a session). Every read
 * and write is scoped to the caller's tenant. Answers 404 `memory_not_enabled` when the server mounts no memory.
 */
export function registerMemoryRoutes(app: RuntimeApp, services: RuntimeServices): void {
  const need = (): HostedMemory => {
    if (!services.memory)
      throw new HttpError(404, "memory_not_enabled", "long-term memory is not enabled on this server");
    return services.memory;
  };
  const requireRecord = async (memory: HostedMemory, tenantId: string, id: string) => {
    const record = await memory.store.get(tenantId, id);
    if (!record) throw new HttpError(404, "memory_record_not_found", `memory record ${id} not found`);
    return record;
  };

  app.get("/v1/memory/records", async (c) => {
    const memory = need();
    const q = parseQuery(listRecordsQuery, c.req.query());
    const page = await mapped(() =>
      memory.store.list(c.var.tenantId, { ...filterOf(q), limit: q.limit, cursor: q.cursor }),
    );
    return c.json({ data: page.records.map(presentRecord), nextCursor: page.nextCursor ?? null });
  });

  app.get("/v1/memory/search", async (c) => {
    const memory = need();
    const q = parseQuery(searchQuery, c.req.query());
    const result = await mapped(() =>
      memory.memory.search(
        c.var.tenantId,
        { text: q.q, ...filterOf(q), limit: q.limit, mode: q.mode, onEmbeddingError: "bm25" },
        c.req.raw.signal,
      ),
    );
    return c.json(presentSearch(result));
  });

  app.post("/v1/memory/records", async (c) => {
    const memory = need();
    const body = await readBody(c, createRecordBody);
    const tenantId = c.var.tenantId;
    const kind = body.kind ?? "fact";
    let namespace: string;
    if (body.actorId !== undefined) namespace = kindNamespace(actorNamespace(tenantId, body.actorId), kind);
    else {
      namespace = body.namespace!;
      const root = tenantRoot(tenantId);
      if (namespace !== root && !namespace.startsWith(`${root}/`))
        throw new HttpError(400, "namespace_outside_tenant", `the namespace must be under ${root}`);
    }
    const record: NewMemoryRecord = {
      namespace,
      kind,
      text: body.text,
      provenance: { eventIds: [], source: "manual" },
      metadata: body.metadata,
      expiresAt: body.expiresAt === undefined ? undefined : Date.parse(body.expiresAt),
    };
    const created = await mapped(() => memory.memory.remember(tenantId, record, c.req.raw.signal));
    return c.json(presentRecord(created), 201, { location: `/v1/memory/records/${created.id}` });
  });

  app.get("/v1/memory/records/:id", async (c) => {
    const memory = need();
    const tenantId = c.var.tenantId;
    const record = await requireRecord(memory, tenantId, c.req.param("id"));
    const [history, versions] = await Promise.all([
      memory.store.history(tenantId, record.id),
      versionsOf(memory, tenantId, record),
    ]);
    return c.json({
      ...presentRecord(record),
      history: history.map(presentChange),
      versions: versions.map(presentRecord),
    });
  });

  // An update is a new version: the record is retired (reason `updated`, linked both ways), history kept.
  app.patch("/v1/memory/records/:id", async (c) => {
    const memory = need();
    const tenantId = c.var.tenantId;
    const current = await requireRecord(memory, tenantId, c.req.param("id"));
    const body = await readBody(c, updateRecordBody);
    if (current.status !== "active")
      throw new HttpError(
        409,
        "memory_record_retired",
        `memory record ${current.id} is retired; update its newest version${current.supersededBy ? ` (${current.supersededBy})` : ""}`,
      );
    const expiresAt =
      body.expiresAt === undefined
        ? current.expiresAt
        : body.expiresAt === null
          ? undefined
          : Date.parse(body.expiresAt);
    const record: NewMemoryRecord = {
      namespace: current.namespace,
      kind: body.kind ?? current.kind,
      text: body.text ?? current.text,
      provenance: { ...current.provenance, source: current.provenance.source ?? "manual" },
      metadata: body.metadata ?? current.metadata,
      expiresAt,
    };
    const result = await mapped(() =>
      memory.memory.write(tenantId, [{ op: "supersede", id: current.id, record, reason: "updated" }], {
        signal: c.req.raw.signal,
      }),
    );
    const next = result.created[0]!;
    return c.json(presentRecord(next), 200, { location: `/v1/memory/records/${next.id}` });
  });

  app.delete("/v1/memory/records/:id", async (c) => {
    const memory = need();
    const id = c.req.param("id");
    const deleted = await mapped(() => memory.store.deleteRecord(c.var.tenantId, id));
    if (deleted === 0) throw new HttpError(404, "memory_record_not_found", `memory record ${id} not found`);
    return c.body(null, 204);
  });

  app.delete("/v1/memory/actors/:actor", async (c) => {
    const memory = need();
    const actorId = c.req.param("actor");
    const namespace = actorNamespace(c.var.tenantId, actorId);
    const deleted = await mapped(() => memory.store.deleteNamespace(c.var.tenantId, namespace));
    return c.json({ actorId, namespace, deleted });
  });

  app.get("/v1/memory/jobs", async (c) => {
    const memory = need();
    const q = parseQuery(listJobsQuery, c.req.query());
    const jobs = await memory.store.listJobs(c.var.tenantId, q);
    return c.json({ data: jobs.map(presentJob) });
  });

  app.get("/v1/memory/jobs/:id", async (c) => {
    const memory = need();
    const id = c.req.param("id");
    const job = await memory.store.getJob(c.var.tenantId, id);
    if (!job) throw new HttpError(404, "extraction_job_not_found", `extraction job ${id} not found`);
    return c.json(presentJob(job));
  });

  app.post("/v1/memory/jobs", async (c) => {
    const memory = need();
    const body = await readBody(c, createJobBody);
    const session = await requireSession(services.store, c.var.tenantId, body.sessionId);
    const job = await memory.extractNow(session, body.strategies);
    return c.json(presentJob(job), 202, { location: `/v1/memory/jobs/${job.id}` });
  });
}
