import type { z } from "zod";
import { agentCoreBody, createSessionBody, forkSessionBody, invocationBody } from "../body.ts";
import { chatCompletionRequest } from "../openai/wire.ts";
import { AGENT_HEADER, AGENTCORE_SESSION_HEADER } from "../routes/agentcore.ts";
import { SESSION_HEADER } from "../routes/openai.ts";
import { listEventsQuery, listSessionsQuery, runEventsQuery } from "../routes/v1.ts";
import { memoryRequestSchemas, memoryResponseSchemas } from "./memory-operations.ts";
import * as out from "./schemas.ts";

/** One response: JSON with a schema, an SSE stream, or no body. */
export interface ResponseSpec {
  description: string;
  json?: z.ZodType;
  sse?: boolean;
  /** A `text/plain` body. */
  text?: boolean;
}

export interface HeaderSpec {
  name: string;
  description: string;
}

/** An operation as the routes serve it, with the same zod schemas the routes validate with. */
export interface OperationSpec {
  method: "get" | "post" | "patch" | "delete";
  /** OpenAPI template, e.g. `/v1/sessions/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag:
    | "Agents"
    | "Sessions"
    | "Invocations"
    | "Runs"
    | "AgentCore"
    | "OpenAI"
    | "Observability"
    | "Memory"
    | "Meta";
  /** No API key needed. */
  public?: boolean;
  query?: z.ZodObject;
  headers?: HeaderSpec[];
  body?: z.ZodType;
  responses: Record<string, ResponseSpec>;
  /** Error statuses, answered as problem+json (OpenAI's error envelope on the OpenAI paths). */
  errors: number[];
}

const lastEventId: HeaderSpec = {
  name: "Last-Event-ID",
  description: "Resume after this event id (the SSE `id:` last received); takes precedence over `?after=`",
};
const sse = (description: string): ResponseSpec => ({ description, sse: true });

/** The runtime's core routes (document.ts adds the observability ones). A test checks them against the app. */
export const operations: OperationSpec[] = [
  // Meta
  {
    method: "get",
    path: "/ping",
    operationId: "ping",
    summary: "Health (AgentCore Runtime contract): HealthyBusy while runs are in flight",
    tag: "AgentCore",
    public: true,
    responses: { 200: { description: "Health", json: out.ping } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This OpenAPI 3.1 document",
    tag: "Meta",
    public: true,
    responses: { 200: { description: "The OpenAPI document" } },
    errors: [],
  },
  // Agents
  {
    method: "get",
    path: "/v1/agents",
    operationId: "listAgents",
    summary: "List the hosted agents (name, description, model, tools)",
    tag: "Agents",
    responses: { 200: { description: "The agents", json: out.agentList } },
    errors: [401, 429],
  },
  {
    method: "get",
    path: "/v1/agents/{agent}",
    operationId: "getAgent",
    summary: "Describe one agent",
    tag: "Agents",
    responses: { 200: { description: "The agent", json: out.agentDescription } },
    errors: [401, 404, 429],
  },
  // Sessions
  {
    method: "post",
    path: "/v1/sessions",
    operationId: "createSession",
    summary: "Create a session for an agent",
    tag: "Sessions",
    body: createSessionBody,
    responses: { 201: { description: "The session", json: out.session } },
    errors: [400, 401, 404, 409, 413, 415, 429],
  },
  {
    method: "get",
    path: "/v1/sessions",
    operationId: "listSessions",
    summary: "List the tenant's sessions, newest first",
    tag: "Sessions",
    query: listSessionsQuery,
    responses: { 200: { description: "A page of sessions", json: out.sessionList } },
    errors: [400, 401, 429],
  },
  {
    method: "get",
    path: "/v1/sessions/{id}",
    operationId: "getSession",
    summary: "Get a session with its usage summed over its runs",
    tag: "Sessions",
    responses: { 200: { description: "The session", json: out.sessionWithUsage } },
    errors: [401, 404, 429],
  },
  {
    method: "delete",
    path: "/v1/sessions/{id}",
    operationId: "deleteSession",
    summary: "Delete a session with its events and runs",
    tag: "Sessions",
    responses: { 204: { description: "Deleted" } },
    errors: [401, 404, 409, 429],
  },
  {
    method: "get",
    path: "/v1/sessions/{id}/events",
    operationId: "listSessionEvents",
    summary: "The session's event log, oldest first",
    tag: "Sessions",
    query: listEventsQuery,
    responses: { 200: { description: "Events", json: out.eventList } },
    errors: [400, 401, 404, 429],
  },
  {
    method: "post",
    path: "/v1/sessions/{id}/fork",
    operationId: "forkSession",
    summary:
      "Branch the session at one of its events: a new session with its history up to there (whole units only)",
    tag: "Sessions",
    body: forkSessionBody,
    responses: { 201: { description: "The branch", json: out.forkedSession } },
    errors: [400, 401, 404, 409, 413, 415, 429],
  },
  // Invocations
  {
    method: "post",
    path: "/v1/agents/{agent}/invocations",
    operationId: "invokeAgent",
    summary: "Run the agent in a session (created when absent): JSON, SSE (stream or Accept), or async 202",
    tag: "Invocations",
    body: invocationBody,
    responses: {
      200: {
        description: "The ended run (JSON), or its events as SSE with `id:` = event id",
        json: out.run,
        sse: true,
      },
      202: { description: "async: the run started; poll or stream it", json: out.run },
    },
    errors: [400, 401, 403, 404, 409, 410, 413, 415, 429, 503],
  },
  // Runs
  {
    method: "get",
    path: "/v1/runs/{id}",
    operationId: "getRun",
    summary: "Get a run: status, final text, usage with cost",
    tag: "Runs",
    responses: { 200: { description: "The run", json: out.run } },
    errors: [401, 404, 429],
  },
  {
    method: "get",
    path: "/v1/runs/{id}/events",
    operationId: "streamRunEvents",
    summary: "The run's events as SSE, live until it ends; re-attach with Last-Event-ID",
    tag: "Runs",
    query: runEventsQuery,
    headers: [lastEventId],
    responses: { 200: sse("The run's events after the given id") },
    errors: [400, 401, 404, 429],
  },
  {
    method: "post",
    path: "/v1/runs/{id}/cancel",
    operationId: "cancelRun",
    summary: "Cancel a run; answers once its end is committed",
    tag: "Runs",
    responses: { 200: { description: "The cancelled run", json: out.run } },
    errors: [401, 404, 409, 429],
  },
  // AgentCore
  {
    method: "post",
    path: "/invocations",
    operationId: "agentCoreInvoke",
    summary:
      "AgentCore Runtime contract: one of prompt, input or messages; SSE with Accept: text/event-stream",
    tag: "AgentCore",
    headers: [
      { name: AGENTCORE_SESSION_HEADER, description: "The session (created when absent)" },
      { name: AGENT_HEADER, description: "The agent, when the server hosts several (default: the first)" },
    ],
    body: agentCoreBody,
    responses: {
      200: {
        description: "The answer (JSON) or the run's events (SSE)",
        json: out.agentCoreResponse,
        sse: true,
      },
    },
    errors: [400, 401, 404, 409, 410, 413, 415, 429, 503],
  },
  // OpenAI-compatible
  {
    method: "get",
    path: "/v1/models",
    operationId: "listModels",
    summary: "OpenAI-compatible: the agents as models",
    tag: "OpenAI",
    responses: { 200: { description: "Models", json: out.openAIModelList } },
    errors: [401, 429],
  },
  {
    method: "post",
    path: "/v1/chat/completions",
    operationId: "createChatCompletion",
    summary:
      "OpenAI-compatible: `model` names an agent; the answer is the final turn's text, streamed or not",
    tag: "OpenAI",
    headers: [{ name: SESSION_HEADER, description: "Continue this session (the `user` field works too)" }],
    body: chatCompletionRequest,
    responses: {
      200: {
        description: "chat.completion (JSON) or chat.completion.chunk objects (SSE, ending with [DONE])",
        json: out.chatCompletion,
        sse: true,
      },
    },
    errors: [400, 401, 404, 409, 413, 415, 429, 502, 503],
  },
];

/** Named schemas of the document's components. */
export const requestSchemas: Record<string, z.ZodType> = {
  CreateSessionRequest: createSessionBody,
  InvocationRequest: invocationBody,
  AgentCoreRequest: agentCoreBody,
  ChatCompletionRequest: chatCompletionRequest,
  ForkSessionRequest: forkSessionBody,
  ...memoryRequestSchemas,
};

export const responseSchemas: Record<string, z.ZodType> = {
  Problem: out.problem,
  ErrorInfo: out.errorInfo,
  Usage: out.usage,
  Agent: out.agentDescription,
  AgentList: out.agentList,
  Session: out.session,
  SessionWithUsage: out.sessionWithUsage,
  SessionList: out.sessionList,
  ForkedSession: out.forkedSession,
  SessionEvent: out.sessionEvent,
  SessionEventList: out.eventList,
  Run: out.run,
  Ping: out.ping,
  AgentCoreResponse: out.agentCoreResponse,
  OpenAIModelList: out.openAIModelList,
  ChatCompletion: out.chatCompletion,
  OpenAIError: out.openAIError,
  ...memoryResponseSchemas,
};
