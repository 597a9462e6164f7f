import { useState } from "react";
import type { Span } from "../../api/types.ts";
import { formatCount, formatMs } from "../../lib/format.ts";
import { JsonBlock } from "../../lib/ui.tsx";
import "./traces.css";

interface Row {
  span: Span;
  depth: number;
}

/** Spans in tree order (parents before children, siblings by start), with their depth. */
export function treeOrder(spans: Span[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const rows: Row[] = [];
  const visit = (parent: string | null, depth: number) => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.startTimeMs - b.startTimeMs);
    for (const span of list) {
      rows.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

const operation = (span: Span): string => String(span.attributes["gen_ai.operation.name"] ?? "span");

function tokens(span: Span): string | null {
  const input = span.attributes["gen_ai.usage.input_tokens"];
  const output = span.attributes["gen_ai.usage.output_tokens"];
  if (typeof input !== "number" && typeof output !== "number") return null;
  return `${formatCount(Number(input ?? 0))} in · ${formatCount(Number(output ?? 0))} out`;
}

/** The run's spans on one time axis: a bar per span, offset and sized by its time; a row opens its attributes. */
export function Waterfall(props: { spans: Span[] }) {
  const rows = treeOrder(props.spans);
  const [open, setOpen] = useState<string | null>(null);
  const start = Math.min(...props.spans.map((s) => s.startTimeMs));
  const end = Math.max(...props.spans.map((s) => s.endTimeMs));
  const total = Math.max(end - start, 0.001);
  return (
    <div className="waterfall">
      <div className="waterfall-axis" aria-hidden="true">
        <span>0</span>
        <span>{formatMs(total / 2)}</span>
        <span>{formatMs(total)}</span>
      </div>
      <ol aria-label="Spans">
        {rows.map(({ span, depth }) => {
          const left = ((span.startTimeMs - start) / total) * 100;
          const width = Math.max((span.durationMs / total) * 100, 0.4);
          const expanded = open === span.spanId;
          const tokenText = tokens(span);
          return (
            <li key={span.spanId} className={`span-row op-${operation(span)} ${span.status.code}`}>
              <button
                type="button"
                className="span-button"
                aria-expanded={expanded}
                onClick={() => setOpen(expanded ? null : span.spanId)}
              >
                <span className="span-label" style={{ paddingLeft: `${depth * 1.1}rem` }}>
                  <span className="span-name">{span.name}</span>
                  <span className="span-facts">
                    {formatMs(span.durationMs)}
                    {tokenText && ` · ${tokenText}`}
                    {span.status.code === "error" && " · error"}
                  </span>
                </span>
                <span className="span-track" aria-hidden="true">
                  <span className="span-bar" style={{ left: `${left}%`, width: `${width}%` }} />
                </span>
              </button>
              {expanded && (
                <div className="span-details">
                  {span.status.message && <p className="error-text">{span.status.message}</p>}
                  <JsonBlock value={span.attributes} label={`Attributes of ${span.name}`} />
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
