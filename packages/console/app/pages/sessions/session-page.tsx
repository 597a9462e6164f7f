import type { SessionEvent } from "../../api/types.ts";
import { useClient } from "../../lib/auth.tsx";
import { reduceEvents } from "../../lib/conversation.ts";
import { formatCost, formatCount, formatTime, shortId } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";
import { ConversationView } from "../playground/conversation-view.tsx";
import "./sessions.css";

/** The session's events grouped by run, in order; consecutive deltas are counted, not listed one by one. */
function groupByRun(events: SessionEvent[]) {
  const runs: { runId: string; events: SessionEvent[] }[] = [];
  for (const event of events) {
    const runId = event.runId ?? "session";
    const last = runs.at(-1);
    if (last && last.runId === runId) last.events.push(event);
    else runs.push({ runId, events: [event] });
  }
  return runs;
}

function RawEvents(props: { events: SessionEvent[] }) {
  const rows: { first: SessionEvent; count: number }[] = [];
  for (const event of props.events) {
    const last = rows.at(-1);
    if (last && last.first.type === event.type && event.type.endsWith("-delta")) last.count++;
    else rows.push({ first: event, count: 1 });
  }
  return (
    <details>
      <summary>Events ({props.events.length})</summary>
      <ol className="raw-events">
        {rows.map(({ first, count }) => (
          <li key={first.id}>
            <code>#{first.id}</code> <span className="event-type">{first.type}</span>
            {count > 1 && <span className="muted"> ×{count}</span>}{" "}
            <time className="muted small" dateTime={first.createdAt}>
              {new Date(first.createdAt).toLocaleTimeString()}
            </time>
          </li>
        ))}
      </ol>
    </details>
  );
}

export function SessionPage(props: { id: string }) {
  const client = useClient();
  const state = useApi(
    async (signal) => {
      const [session, events] = await Promise.all([
        client.session(props.id),
        client.sessionEvents(props.id, signal),
      ]);
      return { session, events };
    },
    [client, props.id],
  );
  return (
    <section>
      <PageHeader title={`Session ${shortId(props.id)}`}>
        <Link href="/sessions">All sessions</Link>
      </PageHeader>
      <Async state={state}>
        {({ session, events }) => {
          const cost = session.usage?.cost;
          return (
            <>
              <dl className="facts">
                <dt>Agent</dt>
                <dd>
                  <Link href={`/playground/${encodeURIComponent(session.agent)}`}>{session.agent}</Link>
                </dd>
                <dt>Status</dt>
                <dd>{session.status}</dd>
                <dt>Actor</dt>
                <dd>{session.actorId ?? "—"}</dd>
                <dt>Created</dt>
                <dd>{formatTime(session.createdAt)}</dd>
                {session.parentSessionId && (
                  <>
                    <dt>Branch of</dt>
                    <dd>
                      <Link href={`/sessions/${encodeURIComponent(session.parentSessionId)}`}>
                        <code>{shortId(session.parentSessionId)}</code>
                      </Link>{" "}
                      at event #{session.forkedAtEvent}
                    </dd>
                  </>
                )}
                {session.usage && (
                  <>
                    <dt>Tokens</dt>
                    <dd>
                      {formatCount(session.usage.totalTokens)}
                      {cost ? ` · ${formatCost(cost.total, cost.currency)}` : ""}
                    </dd>
                  </>
                )}
              </dl>
              {events.length === 0 ? (
                <Empty title="No events yet." />
              ) : (
                <ol className="timeline" aria-label="Runs of the session">
                  {groupByRun(events).map((run) => (
                    <li key={`${run.runId}-${run.events[0]?.id}`} className="card">
                      <header className="card-header">
                        <h2 className="run-title">
                          Run <code title={run.runId}>{shortId(run.runId)}</code>
                        </h2>
                        <time className="muted small" dateTime={run.events[0]?.createdAt}>
                          {formatTime(run.events[0]!.createdAt)}
                        </time>
                        {run.runId !== "session" && (
                          <Link href={`/traces/${encodeURIComponent(run.runId)}`}>Trace</Link>
                        )}
                      </header>
                      <ConversationView items={reduceEvents(run.events.map((e) => e.data))} />
                      <RawEvents events={run.events} />
                    </li>
                  ))}
                </ol>
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}
