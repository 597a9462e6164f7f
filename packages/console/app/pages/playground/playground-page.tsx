import { type FormEvent, type KeyboardEvent, useEffect, useId, useReducer, useRef, useState } from "react";
import type { AgentEvent } from "../../api/types.ts";
import { useClient } from "../../lib/auth.tsx";
import { type Item, reduceEvent } from "../../lib/conversation.ts";
import { shortId } from "../../lib/format.ts";
import { navigate } from "../../lib/router.tsx";
import { Async, Empty, ErrorBox, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";
import { ConversationView } from "./conversation-view.tsx";

type Action = { type: "reset"; items?: Item[] } | { type: "event"; event: AgentEvent };

const conversation = (items: Item[], action: Action): Item[] =>
  action.type === "reset" ? (action.items ?? []) : reduceEvent(items, action.event);

interface Running {
  controller: AbortController;
  runId: string | null;
}

/** Chat with one agent over the SSE invocation endpoint: events are drawn as they are committed. */
function Chat(props: { agent: string }) {
  const client = useClient();
  const { agent } = props;
  const [sessionId, setSessionId] = useState("");
  const [items, dispatch] = useReducer(conversation, []);
  const [input, setInput] = useState("");
  const [running, setRunning] = useState<Running | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const sessions = useApi(() => client.sessions({ agent, status: "active", limit: 50 }), [client, agent]);
  const ids = { session: useId(), input: useId() };
  const endRef = useRef<HTMLDivElement>(null);
  // Set while a run streams: the session it creates must not reload what the stream already drew.
  const streaming = useRef(false);

  // A chosen session shows its past conversation.
  useEffect(() => {
    if (!sessionId || streaming.current) return;
    const controller = new AbortController();
    client.sessionEvents(sessionId, controller.signal).then(
      (events) =>
        dispatch({ type: "reset", items: events.map((e) => e.data).reduce(reduceEvent, [] as Item[]) }),
      (e: unknown) => !controller.signal.aborted && setError(e as Error),
    );
    return () => controller.abort();
  }, [client, sessionId]);

  useEffect(() => {
    if (items.length > 0) endRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [items]);

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = input.trim();
    if (!text || running) return;
    setError(undefined);
    const controller = new AbortController();
    const run: Running = { controller, runId: null };
    setRunning(run);
    streaming.current = true;
    try {
      const stream = await client.invoke(agent, text, sessionId || undefined, controller.signal);
      setInput("");
      run.runId = stream.runId;
      setRunning({ ...run });
      if (!sessionId && stream.sessionId) {
        setSessionId(stream.sessionId);
        sessions.reload();
      }
      for await (const agentEvent of stream.events) dispatch({ type: "event", event: agentEvent });
    } catch (e) {
      if (!controller.signal.aborted) setError(e as Error);
    } finally {
      streaming.current = false;
      setRunning(null);
    }
  };

  const stop = async () => {
    if (!running) return;
    if (!running.runId) return running.controller.abort();
    // The run ends as cancelled and its stream closes with the run-end event.
    await client.cancelRun(running.runId).catch((e: unknown) => setError(e as Error));
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) void send(event);
  };

  const choose = (id: string) => {
    setSessionId(id);
    dispatch({ type: "reset" });
    setError(undefined);
  };

  return (
    <div className="chat">
      <div className="toolbar">
        <label htmlFor={ids.session}>Session</label>
        <select
          id={ids.session}
          value={sessionId}
          onChange={(e) => choose(e.target.value)}
          disabled={running !== null}
        >
          <option value="">New session</option>
          {sessionId && !sessions.data?.data.some((s) => s.id === sessionId) && (
            <option value={sessionId}>{shortId(sessionId)}</option>
          )}
          {sessions.data?.data.map((s) => (
            <option key={s.id} value={s.id}>
              {shortId(s.id)} · {new Date(s.updatedAt).toLocaleString()}
            </option>
          ))}
        </select>
        {sessionId && (
          <button
            type="button"
            className="secondary small"
            onClick={() => navigate(`/sessions/${sessionId}`)}
          >
            Timeline
          </button>
        )}
      </div>
      <div className="chat-log" aria-live="polite">
        {items.length === 0 ? (
          <Empty title={sessionId ? "This session has no messages yet." : "Start a conversation."}>
            Your message starts a run of <strong>{agent}</strong>; its text, reasoning and tool calls stream
            here.
          </Empty>
        ) : (
          <ConversationView items={items} live={running !== null} />
        )}
        <div ref={endRef} />
      </div>
      {error && <ErrorBox error={error} />}
      <form className="composer" onSubmit={send}>
        <label htmlFor={ids.input} className="sr-only">
          Message to {agent}
        </label>
        <textarea
          id={ids.input}
          rows={2}
          value={input}
          placeholder={`Message ${agent}… (Enter sends, Shift+Enter for a new line)`}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={keyDown}
        />
        {running ? (
          <button type="button" className="danger" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!input.trim()}>
            Send
          </button>
        )}
      </form>
    </div>
  );
}

export function PlaygroundPage(props: { agent?: string }) {
  const client = useClient();
  const agents = useApi(() => client.agents(), [client]);
  const pickerId = useId();
  return (
    <section className="playground">
      <Async state={agents}>
        {(page) => {
          const agent = props.agent ?? page.data[0]?.name;
          if (!agent) return <Empty title="No agents are hosted on this server." />;
          const known = page.data.find((a) => a.name === agent);
          return (
            <>
              <PageHeader title="Playground">
                <label htmlFor={pickerId}>Agent</label>
                <select
                  id={pickerId}
                  value={agent}
                  onChange={(e) => navigate(`/playground/${encodeURIComponent(e.target.value)}`)}
                >
                  {page.data.map((a) => (
                    <option key={a.name} value={a.name}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </PageHeader>
              {!known ? (
                <ErrorBox error={new Error(`No agent named "${agent}" is hosted here.`)} />
              ) : (
                <>
                  {!known.model && <p className="warn">{known.description}</p>}
                  <Chat key={agent} agent={agent} />
                </>
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}
