// The runtime's JSON shapes the console reads (see the runtime's /v1/openapi.json).

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
  cost?: { input: number; output: number; total: number; currency: string };
}

export interface Whoami {
  tenant: string;
  keyId: string | null;
  devMode: boolean;
  features: { memory: boolean; memorySearch?: "hybrid" | "bm25" | null; traceContent: boolean };
}

export interface AgentTool {
  name: string;
  description: string;
  parameters: unknown;
}

export interface Agent {
  name: string;
  description: string;
  instructions?: string | null;
  model: { id: string; provider: string } | null;
  tools: AgentTool[];
}

export interface Session {
  id: string;
  agent: string;
  actorId: string | null;
  status: "active" | "expired";
  lastEventId: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  parentSessionId?: string | null;
  forkedAtEvent?: number | null;
  usage?: Usage;
}

export interface Page<T> {
  data: T[];
  nextCursor?: string | null;
}

/** A stored event of a session's log: `data` is the agent event itself. */
export interface SessionEvent {
  id: number;
  runId: string | null;
  type: string;
  data: AgentEvent;
  createdAt: string;
}

export interface Run {
  id: string;
  sessionId: string;
  agent: string;
  status: string;
  stopReason: string | null;
  text: string | null;
  usage: Usage;
  error: { code: string; message: string } | null;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
  input?: unknown;
}

export interface Message {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
}

/** The agent events the console draws (a subset of @skein/core's AgentEvent, as sent over SSE). */
export type AgentEvent =
  | { type: "run-start"; runId: string; agent: string; sessionId?: string; input: Message[] }
  | { type: "turn-start"; runId: string; turn: number }
  | { type: "text-delta"; runId: string; turn: number; text: string }
  | { type: "reasoning-delta"; runId: string; turn: number; text: string }
  | { type: "turn-end"; runId: string; turn: number; usage: Usage; finishReason: string }
  | { type: "turn-discarded"; runId: string; turn: number }
  | { type: "tool-call"; runId: string; turn: number; call: ToolCall }
  | { type: "tool-progress"; runId: string; callId: string; name: string; data: unknown }
  | { type: "tool-result"; runId: string; callId: string; name: string; content: string; durationMs: number }
  | {
      type: "tool-error";
      runId: string;
      callId: string;
      name: string;
      error: { code: string; message: string };
      durationMs: number;
    }
  | { type: "error"; runId: string; error: { code: string; message: string } }
  | {
      type: "run-end";
      runId: string;
      stopReason: string;
      text: string;
      usage: Usage;
      error?: { code: string; message: string };
    };

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  startTimeMs: number;
  endTimeMs: number;
  durationMs: number;
  status: { code: "unset" | "ok" | "error"; message?: string };
  attributes: Record<string, unknown>;
}

export interface RunTrace {
  runId: string;
  sessionId: string;
  traceId: string | null;
  spans: Span[];
}

export interface TraceSummary {
  traceId: string;
  runId: string | null;
  sessionId: string | null;
  agent: string | null;
  name: string;
  startTimeMs: number;
  durationMs: number;
  status: "unset" | "ok" | "error";
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface UsageRow {
  key: string;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: Record<string, number>;
}

export interface UsageReport {
  from: string;
  to: string;
  groupBy: "agent" | "day";
  data: UsageRow[];
  total: Omit<UsageRow, "key">;
}

export interface MemoryRecord {
  id: string;
  namespace: string;
  kind: string;
  text: string;
  status: "active" | "retired";
  provenance: { sessionId?: string; runId?: string; eventIds: string[]; source?: string; jobId?: string };
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  retiredReason: string | null;
  supersedes: string | null;
  supersededBy: string | null;
}

export interface MemoryChange {
  seq: number;
  action: "created" | "updated" | "retired" | "superseded";
  at: string;
  previousText: string | null;
  relatedId: string | null;
  reason: string | null;
  jobId: string | null;
}

export interface MemoryRecordDetail extends MemoryRecord {
  history: MemoryChange[];
  versions: MemoryRecord[];
}

export interface MemorySearchResult {
  mode: "hybrid" | "bm25" | "vector";
  data: { record: MemoryRecord; score: number; bm25Rank: number | null; vectorRank: number | null }[];
  embeddingError: { code: string; message: string } | null;
}

export interface ExtractionJob {
  id: string;
  namespace: string;
  sessionId: string | null;
  trigger: "turns" | "session-end" | "manual";
  strategies: string[];
  status: "queued" | "running" | "succeeded" | "failed";
  createdAt: string;
  endedAt: string | null;
  outcome: {
    created: string[];
    updated: { from: string; to: string }[];
    contradicted: { from: string; to: string }[];
    duplicates: string[];
  } | null;
  error: { code: string; message: string } | null;
}

export interface MemoryFilter {
  namespace?: string;
  kind?: string;
  status?: string;
}
