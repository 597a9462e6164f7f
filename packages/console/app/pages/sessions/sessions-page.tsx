import { type FormEvent, useId, useState } from "react";
import type { Session } from "../../api/types.ts";
import { useClient } from "../../lib/auth.tsx";
import { formatTime, shortId } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, ErrorBox, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";

interface Filter {
  agent: string;
  status: string;
  actorId: string;
}

function SessionList(props: { filter: Filter }) {
  const client = useClient();
  const [more, setMore] = useState<{ items: Session[]; cursor: string | null; error?: Error }>({
    items: [],
    cursor: null,
  });
  const first = useApi(async () => {
    const page = await client.sessions({ ...props.filter, limit: 25 });
    setMore({ items: [], cursor: page.nextCursor ?? null });
    return page;
  }, [client, props.filter]);
  const loadMore = async () => {
    if (!more.cursor) return;
    try {
      const page = await client.sessions({ ...props.filter, limit: 25, cursor: more.cursor });
      setMore({ items: [...more.items, ...page.data], cursor: page.nextCursor ?? null });
    } catch (error) {
      setMore({ ...more, error: error as Error });
    }
  };
  return (
    <Async state={first}>
      {(page) => {
        const sessions = [...page.data, ...more.items];
        if (sessions.length === 0)
          return (
            <Empty title="No sessions match.">
              Sessions appear when an agent is invoked: try the <Link href="/playground">Playground</Link>.
            </Empty>
          );
        return (
          <>
            <ul className="rows" aria-label="Sessions">
              {sessions.map((s) => (
                <li key={s.id}>
                  <Link className="row" href={`/sessions/${encodeURIComponent(s.id)}`}>
                    <span className="row-main">
                      <code title={s.id}>{shortId(s.id)}</code>
                      <span className="badge">{s.agent}</span>
                      {s.actorId && <span className="muted">actor {s.actorId}</span>}
                    </span>
                    <span className="row-meta">
                      <span className={`status ${s.status}`}>{s.status}</span>
                      <span className="muted">{s.lastEventId} events</span>
                      <span className="muted">{formatTime(s.updatedAt)}</span>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
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

export function SessionsPage() {
  const client = useClient();
  const agents = useApi(() => client.agents(), [client]);
  const [draft, setDraft] = useState<Filter>({ agent: "", status: "", actorId: "" });
  const [filter, setFilter] = useState<Filter>(draft);
  const id = useId();
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ ...draft, actorId: draft.actorId.trim() });
  };
  return (
    <section>
      <PageHeader title="Sessions" />
      <form className="filters" onSubmit={apply} aria-label="Filter sessions">
        <div className="field">
          <label htmlFor={`${id}-agent`}>Agent</label>
          <select
            id={`${id}-agent`}
            value={draft.agent}
            onChange={(e) => setDraft({ ...draft, agent: e.target.value })}
          >
            <option value="">All agents</option>
            {agents.data?.data.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.target.value })}
          >
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-actor`}>Actor</label>
          <input
            id={`${id}-actor`}
            value={draft.actorId}
            placeholder="End-user id"
            onChange={(e) => setDraft({ ...draft, actorId: e.target.value })}
          />
        </div>
        <button type="submit">Apply</button>
      </form>
      <SessionList filter={filter} />
    </section>
  );
}
