import type { Agent } from "../../api/types.ts";
import { useClient } from "../../lib/auth.tsx";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, JsonBlock, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";

function AgentCard(props: { agent: Agent }) {
  const { agent } = props;
  return (
    <article className="card" aria-labelledby={`agent-${agent.name}`}>
      <header className="card-header">
        <h2 id={`agent-${agent.name}`}>{agent.name}</h2>
        <Link className="button" href={`/playground/${encodeURIComponent(agent.name)}`}>
          Open in Playground
        </Link>
      </header>
      <p>{agent.description || <span className="muted">No description.</span>}</p>
      <dl className="facts">
        <dt>Model</dt>
        <dd>
          {agent.model ? (
            <>
              <code>{agent.model.id}</code> <span className="muted">({agent.model.provider})</span>
            </>
          ) : (
            <span className="warn">No model configured</span>
          )}
        </dd>
        <dt>Tools</dt>
        <dd>{agent.tools.length}</dd>
      </dl>
      {agent.instructions ? (
        <details>
          <summary>Instructions</summary>
          <pre className="code prose">{agent.instructions}</pre>
        </details>
      ) : null}
      {agent.tools.length > 0 && (
        <details>
          <summary>Tools ({agent.tools.length})</summary>
          <ul className="tools">
            {agent.tools.map((tool) => (
              <li key={tool.name}>
                <code className="tool-name">{tool.name}</code>
                <p>{tool.description}</p>
                <details>
                  <summary>Parameters</summary>
                  <JsonBlock value={tool.parameters} label={`Parameters of ${tool.name}`} />
                </details>
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}

export function AgentsPage() {
  const client = useClient();
  const agents = useApi(() => client.agents(), [client]);
  return (
    <section>
      <PageHeader title="Agents" />
      <Async state={agents}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No agents are hosted on this server.">
              Add agents to <code>skein.config.ts</code> and restart the server.
            </Empty>
          ) : (
            <div className="cards">
              {page.data.map((agent) => (
                <AgentCard key={agent.name} agent={agent} />
              ))}
            </div>
          )
        }
      </Async>
    </section>
  );
}
