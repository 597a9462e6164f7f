import { useClient } from "../../lib/auth.tsx";
import { formatTime, shortId } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";

/** The latest extraction jobs: what ran, on which session, and what it wrote. */
export function JobList() {
  const client = useClient();
  const jobs = useApi(() => client.memoryJobs(20), [client]);
  return (
    <details className="memory-jobs">
      <summary>Extraction jobs</summary>
      <Async state={jobs}>
        {({ data }) =>
          data.length === 0 ? (
            <p className="muted">No extraction has run yet.</p>
          ) : (
            <ul className="rows" aria-label="Extraction jobs">
              {data.map((job) => (
                <li key={job.id} className="row">
                  <span className="row-main">
                    <span
                      className={`status ${job.status === "failed" ? "error" : job.status === "succeeded" ? "done" : "running"}`}
                    >
                      {job.status}
                    </span>
                    <span>{job.trigger}</span>
                    <span className="muted">{job.strategies.join(", ")}</span>
                    {job.sessionId && (
                      <Link href={`/sessions/${encodeURIComponent(job.sessionId)}`}>
                        session <code>{shortId(job.sessionId)}</code>
                      </Link>
                    )}
                  </span>
                  <span className="row-meta">
                    {job.outcome && (
                      <span>
                        {job.outcome.created.length} new · {job.outcome.updated.length} updated ·{" "}
                        {job.outcome.contradicted.length} contradicted · {job.outcome.duplicates.length}{" "}
                        duplicate
                      </span>
                    )}
                    {job.error && <span className="error-text">{job.error.message}</span>}
                    <span className="muted">{formatTime(job.createdAt)}</span>
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </details>
  );
}
