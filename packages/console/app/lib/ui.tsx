import type { ReactNode } from "react";
import type { Loaded } from "./use-api.ts";

/** An error as the person should read it: the problem's `detail`, never a stack. */
export function ErrorBox(props: { error: Error; retry?: () => void }) {
  return (
    <div className="problem" role="alert">
      <strong>Something went wrong.</strong> <span>{props.error.message}</span>
      {props.retry && (
        <button type="button" className="secondary" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{props.title}</p>
      {props.children && <div className="muted">{props.children}</div>}
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <p className="muted" role="status">
      {props.label ?? "Loading…"}
    </p>
  );
}

/** Loading, error or content of an API call, in one place. */
export function Async<T>(props: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  const { state } = props;
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{props.children(state.data)}</>;
}

export function PageHeader(props: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{props.title}</h1>
      {props.children && <div className="page-actions">{props.children}</div>}
    </div>
  );
}

/** Pretty JSON, or the text as is when it is not JSON. */
export function JsonBlock(props: { value: unknown; label?: string }) {
  let text: string;
  if (typeof props.value === "string") {
    try {
      text = JSON.stringify(JSON.parse(props.value), null, 2);
    } catch {
      text = props.value;
    }
  } else {
    text = JSON.stringify(props.value, null, 2);
  }
  return (
    // A named region, so payloads are told apart; focusable, so the keyboard can scroll a long one.
    <section className="code-region" aria-label={props.label}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard. */}
      <pre className="code" tabIndex={0}>
        {text}
      </pre>
    </section>
  );
}
