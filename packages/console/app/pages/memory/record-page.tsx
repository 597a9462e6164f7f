import { useState } from "react";
import type { MemoryRecordDetail } from "../../api/types.ts";
import { useClient } from "../../lib/auth.tsx";
import { formatTime, shortId } from "../../lib/format.ts";
import { Link, navigate } from "../../lib/router.tsx";
import { Async, ErrorBox, JsonBlock, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";
import "./memory.css";

function Provenance(props: { record: MemoryRecordDetail }) {
  const { provenance } = props.record;
  return (
    <dl className="facts" aria-label="Provenance">
      <dt>Source</dt>
      <dd>{provenance.source ?? "—"}</dd>
      <dt>Session</dt>
      <dd>
        {provenance.sessionId ? (
          <Link href={`/sessions/${encodeURIComponent(provenance.sessionId)}`}>
            <code>{shortId(provenance.sessionId)}</code>
          </Link>
        ) : (
          "—"
        )}
      </dd>
      <dt>Run</dt>
      <dd>
        {provenance.runId ? (
          <Link href={`/traces/${encodeURIComponent(provenance.runId)}`}>
            <code>{shortId(provenance.runId)}</code>
          </Link>
        ) : (
          "—"
        )}
      </dd>
      <dt>Events</dt>
      <dd>{provenance.eventIds.length > 0 ? provenance.eventIds.map((e) => `#${e}`).join(", ") : "—"}</dd>
      <dt>Extraction job</dt>
      <dd>{provenance.jobId ? <code>{shortId(provenance.jobId)}</code> : "—"}</dd>
    </dl>
  );
}

function DeleteButton(props: { id: string }) {
  const client = useClient();
  const [step, setStep] = useState<"idle" | "confirm" | "deleting">("idle");
  const [error, setError] = useState<Error>();
  const remove = async () => {
    setStep("deleting");
    try {
      await client.deleteMemoryRecord(props.id);
      navigate("/memory");
    } catch (e) {
      setError(e as Error);
      setStep("idle");
    }
  };
  return (
    <div className="confirm-delete">
      {step === "idle" ? (
        <button type="button" className="danger" onClick={() => setStep("confirm")}>
          Delete
        </button>
      ) : (
        <>
          <span>Delete this record and its older versions from every index?</span>
          <button
            type="button"
            className="danger"
            disabled={step === "deleting"}
            onClick={() => void remove()}
          >
            Delete for good
          </button>
          <button type="button" className="secondary" onClick={() => setStep("idle")}>
            Keep it
          </button>
        </>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

/** One record: its text, where it came from, every version and every change. */
export function MemoryRecordPage(props: { id: string }) {
  const client = useClient();
  const state = useApi(() => client.memoryRecord(props.id), [client, props.id]);
  return (
    <section>
      <PageHeader title={`Memory record ${shortId(props.id)}`}>
        <Link href="/memory">All records</Link>
      </PageHeader>
      <Async state={state}>
        {(record) => (
          <>
            <p className="record-text" data-testid="memory-record-text">
              {record.text}
            </p>
            <dl className="facts">
              <dt>Kind</dt>
              <dd>{record.kind}</dd>
              <dt>Status</dt>
              <dd>
                {record.status}
                {record.retiredReason && ` (${record.retiredReason})`}
              </dd>
              <dt>Namespace</dt>
              <dd>
                <code>{record.namespace}</code>
              </dd>
              <dt>Created</dt>
              <dd>{formatTime(record.createdAt)}</dd>
              <dt>Expires</dt>
              <dd>{record.expiresAt ? formatTime(record.expiresAt) : "never"}</dd>
            </dl>
            <h2>Provenance</h2>
            <Provenance record={record} />
            {record.metadata && <JsonBlock value={record.metadata} label="Metadata" />}
            <h2>Versions</h2>
            <ol className="versions" aria-label="Versions">
              {record.versions.map((v) => (
                <li key={v.id} aria-current={v.id === record.id ? "true" : undefined}>
                  {v.id === record.id ? (
                    <span>{v.text}</span>
                  ) : (
                    <Link href={`/memory/${encodeURIComponent(v.id)}`}>{v.text}</Link>
                  )}{" "}
                  <span className="muted small">
                    {v.status} · {formatTime(v.createdAt)}
                  </span>
                </li>
              ))}
            </ol>
            <h2>History</h2>
            <ol aria-label="History">
              {record.history.map((change) => (
                <li key={change.seq}>
                  <strong>{change.action}</strong> <span className="muted">{formatTime(change.at)}</span>
                  {change.reason && <span> · {change.reason}</span>}
                  {change.relatedId && (
                    <span>
                      {" "}
                      · {change.action === "created" ? "replacing" : "replaced by"}{" "}
                      <Link href={`/memory/${encodeURIComponent(change.relatedId)}`}>
                        <code>{shortId(change.relatedId)}</code>
                      </Link>
                    </span>
                  )}
                  {change.previousText && <span className="muted"> · was “{change.previousText}”</span>}
                </li>
              ))}
            </ol>
            <DeleteButton id={record.id} />
          </>
        )}
      </Async>
    </section>
  );
}
