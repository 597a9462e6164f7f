import { type FormEvent, useId, useState } from "react";

/** Sign in with an API key (`skein keys create --tenant T`); the key stays in this tab's sessionStorage. */
export function SignInPage(props: { error?: string; onSubmit: (key: string) => Promise<void> }) {
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim()) return;
    setBusy(true);
    await props.onSubmit(key.trim());
    setBusy(false);
  };
  return (
    <main className="narrow sign-in">
      <h1>Skein console</h1>
      <p className="muted">Sign in with an API key of your tenant. It is kept in this browser tab only.</p>
      <form onSubmit={submit}>
        <label htmlFor={id}>API key</label>
        <input
          id={id}
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="sk-skein-…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby={props.error ? `${id}-error` : `${id}-help`}
          required
        />
        <p id={`${id}-help`} className="muted small">
          Create one with <code>skein keys create --tenant NAME</code>.
        </p>
        {props.error && (
          <p id={`${id}-error`} className="problem" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
