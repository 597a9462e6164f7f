import { useClient } from "../../lib/auth.tsx";
import { formatCount, formatMs, shortId } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";
import { Waterfall } from "./waterfall.tsx";

export function TracePage(props: { runId: string }) {
  const client = useClient();
  const trace = useApi(() => client.trace(props.runId), [client, props.runId]);
  return (
    <section>
      <PageHeader title={`Trace of run ${shortId(props.runId)}`}>
        <Link href="/traces">All traces</Link>
      </PageHeader>
      <Async state={trace}>
        {(t) => {
          const root = t.spans.find((s) => s.parentSpanId === null);
          const models = t.spans.filter((s) => s.attributes["gen_ai.operation.name"] === "chat").length;
          const tools = t.spans.filter(
            (s) => s.attributes["gen_ai.operation.name"] === "execute_tool",
          ).length;
          return (
            <>
              <dl className="facts">
                <dt>Session</dt>
                <dd>
                  <Link href={`/sessions/${encodeURIComponent(t.sessionId)}`}>{shortId(t.sessionId)}</Link>
                </dd>
                {root && (
                  <>
                    <dt>Duration</dt>
                    <dd>{formatMs(root.durationMs)}</dd>
                    <dt>Tokens</dt>
                    <dd>
                      {formatCount(Number(root.attributes["gen_ai.usage.input_tokens"] ?? 0))} in ·{" "}
                      {formatCount(Number(root.attributes["gen_ai.usage.output_tokens"] ?? 0))} out
                    </dd>
                  </>
                )}
                <dt>Model calls</dt>
                <dd>{models}</dd>
                <dt>Tool calls</dt>
                <dd>{tools}</dd>
              </dl>
              {t.spans.length === 0 ? (
                <Empty title="No trace was kept for this run.">
                  The server keeps recent traces only, and a run still in flight shows its spans as they end.
                </Empty>
              ) : (
                <Waterfall spans={t.spans} />
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}
