import { type FormEvent, useId, useState } from "react";
import type { MemoryFilter, MemoryRecord } from "../../api/types.ts";
import { useAuth, useClient } from "../../lib/auth.tsx";
import { formatTime } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, ErrorBox, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";
import { JobList } from "./job-list.tsx";
import "./memory.css";

interface Query extends MemoryFilter {
  q: string;
}

const KINDS = ["fact", "preference", "summary", "episode"];

function RecordRows(props: { records: MemoryRecord[]; scores?: Map<string, string> }) {
  return (
    <ul className="rows" aria-label="Memory records">
      {props.records.map((r) => (
        <li key={r.id}>
          <Link className="row memory-row" href={`/memory/${encodeURIComponent(r.id)}`}>
            <span className="row-main">
              <span className="badge">{r.kind}</span>
              <span className="memory-text">{r.text}</span>
            </span>
            <span className="row-meta">
              {r.status !== "active" && <span className="status">{r.status}</span>}
              {props.scores?.get(r.id) && <span className="muted">{props.scores.get(r.id)}</span>}
              <code className="muted namespace" title={r.namespace}>
                {r.namespace}
              </code>
              <span className="muted">{formatTime(r.createdAt)}</span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

const noRecords = (
  <Empty title="No memory records match.">
    Records appear when agents with memory extract them from their sessions, or when they are created through
    <code> POST /v1/memory/records</code>.
  </Empty>
);

/** Browsing: newest first, page by page. */
function Browse(props: { filter: MemoryFilter }) {
  const client = useClient();
  const [more, setMore] = useState<{ items: MemoryRecord[]; cursor: string | null; error?: Error }>({
    items: [],
    cursor: null,
  });
  const first = useApi(async () => {
    const page = await client.memoryRecords({ ...props.filter, limit: 25 });
    setMore({ items: [], cursor: page.nextCursor ?? null });
    return page;
  }, [client, props.filter]);
  const loadMore = async () => {
    if (!more.cursor) return;
    try {
      const page = await client.memoryRecords({ ...props.filter, limit: 25, cursor: more.cursor });
      setMore({ items: [...more.items, ...page.data], cursor: page.nextCursor ?? null });
    } catch (error) {
      setMore({ ...more, error: error as Error });
    }
  };
  return (
    <Async state={first}>
      {(page) => {
        const records = [...page.data, ...more.items];
        if (records.length === 0) return noRecords;
        return (
          <>
            <RecordRows records={records} />
            {more.error && <ErrorBox error={more.error} />}
            {more.cursor && (
              <button type="button" className="secondary" onClick={() => void loadMore()}>
                Load more
              </button>
            )}
          </>
        );
      }}
    </Async>
  );
}

/** Searching: best first, with how the server searched. */
function Search(props: { query: Query }) {
  const client = useClient();
  const { q, ...filter } = props.query;
  const result = useApi(() => client.memorySearch(q, filter), [client, props.query]);
  return (
    <Async state={result}>
      {(found) => (
        <>
          <p className="muted" data-testid="search-mode">
            {found.data.length} found by {found.mode === "bm25" ? "BM25 (full text)" : `${found.mode} search`}
            {found.mode === "hybrid" && " (full text and vectors, fused by rank)"}
            {found.embeddingError && ` — the embedding model failed: ${found.embeddingError.message}`}
          </p>
          {found.data.length === 0 ? (
            noRecords
          ) : (
            <RecordRows
              records={found.data.map((h) => h.record)}
              scores={new Map(found.data.map((h) => [h.record.id, `score ${h.score.toFixed(3)}`]))}
            />
          )}
        </>
      )}
    </Async>
  );
}

/** Long-term memory: browse (namespace, kind, status) and search the tenant's records; the extraction jobs. */
export function MemoryPage() {
  const { who } = useAuth();
  const id = useId();
  const [draft, setDraft] = useState<Query>({ q: "", namespace: "", kind: "", status: "" });
  const [query, setQuery] = useState<Query>(draft);
  if (!who.features.memory)
    return (
      <section>
        <PageHeader title="Memory" />
        <Empty title="Long-term memory is not enabled on this server.">
          Agents here remember only their session's conversation. Add <code>memory</code> to the server's{" "}
          <code>skein.config.ts</code> to give agents long-term memory; its records can then be browsed and
          searched on this page.
        </Empty>
      </section>
    );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ ...draft, q: draft.q.trim(), namespace: draft.namespace?.trim() });
  };
  const field = (name: keyof Query) => ({
    id: `${id}-${name}`,
    value: draft[name] ?? "",
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  return (
    <section>
      <PageHeader title="Memory">
        <span className="badge" title="How search finds records">
          {who.features.memorySearch === "hybrid" ? "Hybrid search" : "BM25 search (no embedding model)"}
        </span>
      </PageHeader>
      <form className="filters" onSubmit={apply} aria-label="Search memory">
        <div className="field grow">
          <label htmlFor={`${id}-q`}>Search</label>
          <input type="search" placeholder="Words to look for (empty: browse)" {...field("q")} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-namespace`}>Namespace</label>
          <input placeholder="/tenants/…/actors/…" {...field("namespace")} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select {...field("kind")}>
            <option value="">Any</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select {...field("status")}>
            <option value="">Active</option>
            <option value="retired">Retired</option>
            <option value="any">Any</option>
          </select>
        </div>
        <button type="submit">{draft.q.trim() ? "Search" : "Apply"}</button>
      </form>
      {query.q ? <Search query={query} /> : <Browse filter={query} />}
      <JobList />
    </section>
  );
}
