import type {
  Agent,
  AgentEvent,
  ExtractionJob,
  MemoryFilter,
  MemoryRecord,
  MemoryRecordDetail,
  MemorySearchResult,
  Page,
  Run,
  RunTrace,
  Session,
  SessionEvent,
  TraceSummary,
  UsageReport,
  Whoami,
} from "./types.ts";

/** An error answer of the API: the problem+json `detail` is what the console shows. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

async function failure(response: Response): Promise<ApiError> {
  let body: { detail?: string; code?: string; title?: string } = {};
  try {
    body = await response.json();
  } catch {}
  const detail = body.detail ?? body.title ?? `The server answered ${response.status} ${response.statusText}`;
  return new ApiError(response.status, body.code ?? `http_${response.status}`, detail);
}

const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};

export interface StreamHandle {
  runId: string | null;
  sessionId: string | null;
  events: AsyncGenerator<AgentEvent>;
}

/** A tiny typed client of the runtime's API; `key` is sent as a bearer token (none in dev mode). */
export class ApiClient {
  readonly key: string | null;

  constructor(key: string | null) {
    this.key = key;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.key) headers.set("authorization", `Bearer ${this.key}`);
    if (init.body) headers.set("content-type", "application/json");
    const response = await fetch(path, { ...init, headers });
    if (!response.ok) throw await failure(response);
    return response;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await this.request(path, init)).json() as Promise<T>;
  }

  whoami = () => this.json<Whoami>("/v1/whoami");
  agents = () => this.json<Page<Agent>>("/v1/agents");
  sessions = (
    filter: { agent?: string; status?: string; actorId?: string; cursor?: string; limit?: number } = {},
  ) => this.json<Page<Session>>(`/v1/sessions${query(filter)}`);
  session = (id: string) => this.json<Session>(`/v1/sessions/${encodeURIComponent(id)}`);
  run = (id: string) => this.json<Run>(`/v1/runs/${encodeURIComponent(id)}`);
  cancelRun = (id: string) => this.json<Run>(`/v1/runs/${encodeURIComponent(id)}/cancel`, { method: "POST" });
  trace = (runId: string) => this.json<RunTrace>(`/v1/runs/${encodeURIComponent(runId)}/trace`);
  traces = (filter: { limit?: number; agent?: string; before?: number } = {}) =>
    this.json<{ data: TraceSummary[] }>(`/v1/traces${query(filter)}`);
  usage = (params: { from: string; to?: string; groupBy: "agent" | "day" }) =>
    this.json<UsageReport>(`/v1/usage${query(params)}`);
  memoryRecords = (filter: MemoryFilter & { cursor?: string; limit?: number } = {}) =>
    this.json<Page<MemoryRecord>>(`/v1/memory/records${query({ ...filter })}`);
  memorySearch = (q: string, filter: MemoryFilter = {}) =>
    this.json<MemorySearchResult>(`/v1/memory/search${query({ q, ...filter, limit: 50 })}`);
  memoryRecord = (id: string) =>
    this.json<MemoryRecordDetail>(`/v1/memory/records/${encodeURIComponent(id)}`);
  deleteMemoryRecord = (id: string) =>
    this.request(`/v1/memory/records/${encodeURIComponent(id)}`, { method: "DELETE" });
  memoryJobs = (limit = 20) => this.json<{ data: ExtractionJob[] }>(`/v1/memory/jobs${query({ limit })}`);

  /** Every event of the session's log, oldest first (follows pages of 1000). */
  async sessionEvents(id: string, signal?: AbortSignal): Promise<SessionEvent[]> {
    const all: SessionEvent[] = [];
    for (;;) {
      const after = all.at(-1)?.id ?? 0;
      const page = await this.json<{ data: SessionEvent[] }>(
        `/v1/sessions/${encodeURIComponent(id)}/events${query({ after, limit: 1000 })}`,
        { signal },
      );
      all.push(...page.data);
      if (page.data.length < 1000) return all;
    }
  }

  /** Starts a run and streams its events over SSE as they are committed. */
  async invoke(
    agent: string,
    input: string,
    sessionId: string | undefined,
    signal: AbortSignal,
  ): Promise<StreamHandle> {
    const response = await this.request(`/v1/agents/${encodeURIComponent(agent)}/invocations`, {
      method: "POST",
      body: JSON.stringify({ input, stream: true, ...(sessionId ? { sessionId } : {}) }),
      headers: { accept: "text/event-stream" },
      signal,
    });
    if (!response.body) throw new ApiError(502, "no_stream", "The server sent no event stream");
    return {
      runId: response.headers.get("x-skein-run-id"),
      sessionId: response.headers.get("x-skein-session-id"),
      events: readSse(response.body),
    };
  }
}

/** Parses a `text/event-stream` body into its JSON `data` payloads (comments and heartbeats skipped). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<AgentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (data) yield JSON.parse(data) as AgentEvent;
      }
    }
  } finally {
    // Ends the request when the reader stops early (the page went away).
    await reader.cancel().catch(() => {});
  }
}
