import { type ReactNode, useCallback, useEffect, useState } from "react";
import { ApiClient, ApiError } from "./api/client.ts";
import type { Whoami } from "./api/types.ts";
import { type Auth, AuthContext, storedKey, storeKey } from "./lib/auth.tsx";
import { Link, match, useLocation } from "./lib/router.tsx";
import { ErrorBox, Loading } from "./lib/ui.tsx";
import { AgentsPage } from "./pages/agents/agents-page.tsx";
import { MemoryPage } from "./pages/memory/memory-page.tsx";
import { MemoryRecordPage } from "./pages/memory/record-page.tsx";
import { PlaygroundPage } from "./pages/playground/playground-page.tsx";
import { SessionPage } from "./pages/sessions/session-page.tsx";
import { SessionsPage } from "./pages/sessions/sessions-page.tsx";
import { SignInPage } from "./pages/sign-in/sign-in-page.tsx";
import { TracePage } from "./pages/traces/trace-page.tsx";
import { TracesPage } from "./pages/traces/traces-page.tsx";
import { UsagePage } from "./pages/usage/usage-page.tsx";

const nav = [
  { href: "/agents", label: "Agents" },
  { href: "/playground", label: "Playground" },
  { href: "/sessions", label: "Sessions" },
  { href: "/traces", label: "Traces" },
  { href: "/memory", label: "Memory" },
  { href: "/usage", label: "Usage" },
];

const routes: [pattern: string, page: (params: Record<string, string>) => ReactNode][] = [
  ["/agents", () => <AgentsPage />],
  ["/playground", () => <PlaygroundPage />],
  ["/playground/:agent", (p) => <PlaygroundPage agent={p.agent} />],
  ["/sessions", () => <SessionsPage />],
  ["/sessions/:id", (p) => <SessionPage id={p.id!} />],
  ["/traces", () => <TracesPage />],
  ["/traces/:runId", (p) => <TracePage runId={p.runId!} />],
  ["/memory", () => <MemoryPage />],
  ["/memory/:id", (p) => <MemoryRecordPage id={p.id!} />],
  ["/usage", () => <UsagePage />],
];

function Page(props: { path: string }) {
  for (const [pattern, page] of routes) {
    const params = match(pattern, props.path);
    if (params) return <>{page(params)}</>;
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{props.path}</code>. <Link href="/agents">Go to the agents</Link>.
      </p>
    </section>
  );
}

type State =
  | { kind: "checking" }
  | { kind: "signed-out"; error?: string }
  | { kind: "failed"; error: Error }
  | { kind: "signed-in"; client: ApiClient; who: Whoami };

export function App() {
  const { path } = useLocation();
  const [state, setState] = useState<State>({ kind: "checking" });

  // A stored key is tried first; with none, dev mode (the server says so) needs no key.
  const check = useCallback(async (key: string | null) => {
    const client = new ApiClient(key);
    try {
      const who = await client.whoami();
      storeKey(key);
      setState({ kind: "signed-in", client, who });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        storeKey(null);
        setState({ kind: "signed-out", error: key ? error.message : undefined });
      } else {
        setState({ kind: "failed", error: error as Error });
      }
    }
  }, []);

  useEffect(() => {
    void check(storedKey());
  }, [check]);

  if (state.kind === "checking") return <Loading label="Connecting to the server…" />;
  if (state.kind === "failed")
    return (
      <main className="narrow">
        <ErrorBox error={state.error} retry={() => void check(storedKey())} />
      </main>
    );
  if (state.kind === "signed-out") return <SignInPage error={state.error} onSubmit={(key) => check(key)} />;

  const auth: Auth = {
    client: state.client,
    who: state.who,
    signOut: () => {
      storeKey(null);
      setState({ kind: "signed-out" });
    },
  };
  const current = nav.find((item) => path === item.href || path.startsWith(`${item.href}/`));
  return (
    <AuthContext.Provider value={auth}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/agents" className="brand">
          Skein
        </Link>
        <nav aria-label="Console">
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={current === item ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className="badge" title="Tenant">
            {state.who.tenant}
          </span>
          {state.who.keyId || !state.who.devMode ? (
            <button type="button" className="secondary small" onClick={auth.signOut}>
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      {state.who.devMode && !state.client.key && (
        <p className="banner" role="note">
          Dev mode: this server accepts requests without an API key (loopback only).
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Page path={path === "/" ? "/agents" : path} />
      </main>
    </AuthContext.Provider>
  );
}
