import type { Item } from "../../lib/conversation.ts";
import { formatCost, formatCount, formatMs } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { JsonBlock } from "../../lib/ui.tsx";
import "./playground.css";

function ToolCallView(props: { item: Extract<Item, { kind: "tool" }> }) {
  const { item } = props;
  const label = { running: "running…", done: "done", error: "failed" }[item.status];
  return (
    <div className={`tool-call ${item.status}`} data-testid="tool-call">
      <div className="tool-call-head">
        <span className="tool-icon" aria-hidden="true">
          ⚙
        </span>
        <code className="tool-name">{item.name}</code>
        <span className={`status ${item.status}`}>{label}</span>
        {item.durationMs !== undefined && <span className="muted small">{formatMs(item.durationMs)}</span>}
      </div>
      <details>
        <summary>Arguments</summary>
        <JsonBlock value={item.arguments || "{}"} label={`Arguments of ${item.name}`} />
      </details>
      {item.result !== undefined && (
        <details>
          <summary>{item.status === "error" ? "Error" : "Result"}</summary>
          <JsonBlock value={item.result} label={`Result of ${item.name}`} />
        </details>
      )}
    </div>
  );
}

function EndView(props: { item: Extract<Item, { kind: "end" }> }) {
  const { item } = props;
  const cost = item.usage.cost;
  return (
    <div className={`run-end ${item.error ? "failed" : ""}`}>
      <span>{item.stopReason === "done" ? "Run finished" : `Run ended: ${item.stopReason}`}</span>
      {item.error && item.stopReason !== "cancelled" && <span className="error-text">{item.error}</span>}
      <span className="muted">
        {formatCount(item.usage.inputTokens)} in · {formatCount(item.usage.outputTokens)} out
        {cost ? ` · ${formatCost(cost.total, cost.currency)}` : ""}
      </span>
      <Link href={`/traces/${encodeURIComponent(item.runId)}`}>View trace</Link>
    </div>
  );
}

function ItemView(props: { item: Item; streaming: boolean }) {
  const { item } = props;
  switch (item.kind) {
    case "user":
      return (
        <li className="bubble user">
          <span className="sr-only">You: </span>
          {item.text}
        </li>
      );
    case "assistant":
      return (
        <li className="bubble assistant" aria-busy={props.streaming}>
          {item.reasoning && (
            <details className="reasoning">
              <summary>Reasoning</summary>
              <p>{item.reasoning}</p>
            </details>
          )}
          {item.text && (
            <div className="text" data-testid="assistant-text">
              {item.text}
            </div>
          )}
        </li>
      );
    case "tool":
      return (
        <li>
          <ToolCallView item={item} />
        </li>
      );
    case "error":
      return (
        <li className="problem" role="alert">
          {item.message}
        </li>
      );
    case "end":
      return (
        <li>
          <EndView item={item} />
        </li>
      );
  }
}

/** A conversation as chat bubbles, tool calls and run ends; `live` marks the text still streaming. */
export function ConversationView(props: { items: Item[]; live?: boolean }) {
  const last = props.items.length - 1;
  return (
    <ol className="conversation" aria-label="Conversation">
      {props.items.map((item, index) => (
        <ItemView key={item.key} item={item} streaming={props.live === true && index === last} />
      ))}
    </ol>
  );
}
