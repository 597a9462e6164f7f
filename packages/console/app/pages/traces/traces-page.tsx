import { useClient } from "../../lib/auth.tsx";
import { formatCount, formatMs, formatTime, shortId } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";

export function TracesPage() {
  const client = useClient();
  const traces = useApi(() => client.traces({ limit: 100 }), [client]);
  return (
    <section>
      <PageHeader title="Traces">
        <button type="button" className="secondary" onClick={traces.reload}>
          Refresh
        </button>
      </PageHeader>
      <Async state={traces}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty title="No traces yet.">
              Every run is traced: run an agent in the <Link href="/playground">Playground</Link>. The server
              keeps recent traces only.
            </Empty>
          ) : (
            <ul className="rows" aria-label="Traces">
              {data.map((t) => (
                <li key={t.traceId}>
                  <Link className="row" href={`/traces/${encodeURIComponent(t.runId ?? "")}`}>
                    <span className="row-main">
                      <span className={`dot ${t.status}`} aria-hidden="true" />
                      <span>{t.name}</span>
                      <code className="muted" title={t.runId ?? ""}>
                        {shortId(t.runId ?? "")}
                      </code>
                    </span>
                    <span className="row-meta">
                      {t.status === "error" && <span className="status error">error</span>}
                      <span>{formatMs(t.durationMs)}</span>
                      {t.inputTokens !== null && (
                        <span className="muted">
                          {formatCount((t.inputTokens ?? 0) + (t.outputTokens ?? 0))} tokens
                        </span>
                      )}
                      <span className="muted">{formatTime(t.startTimeMs)}</span>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}
