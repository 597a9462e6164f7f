import { useAuth } from "../../lib/auth.tsx";
import { Empty, PageHeader } from "../../lib/ui.tsx";

/** Long-term memory: browse and search once the server mounts the memory package; an honest empty state until. */
export function MemoryPage() {
  const { who } = useAuth();
  return (
    <section>
      <PageHeader title="Memory" />
      {who.features.memory ? (
        <Empty title="Memory browsing is not available in this version of the console." />
      ) : (
        <Empty title="Long-term memory is not enabled on this server.">
          Agents here remember only their session's conversation. When the server mounts the memory package,
          its records can be browsed and searched on this page.
        </Empty>
      )}
    </section>
  );
}
