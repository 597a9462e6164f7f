import type { Message } from "../model/messages.ts";
import type { Model } from "../model/model.ts";
import type { TokenCounter } from "./token-counter.ts";
import { truncateToTokens } from "./truncate-tool-results.ts";

export const DEFAULT_SUMMARY_PROMPT =
  "You compress the earlier part of a conversation between a user and an AI assistant that uses tools, so that " +
  "the assistant can carry on without it. Write a concise summary that keeps: the user's goals, requests and " +
  "constraints; decisions made; facts, numbers, names, identifiers, file paths and URLs learned from tool " +
  "results; what was done and what remains to do; errors met and how they were handled. When a summary so far " +
  "is given, merge it with the new messages into one updated summary. Use short paragraphs or bullet points, " +
  "in the language of the conversation. Answer with the summary only.";

/** How one message reads in the transcript given to the summarizer. */
export function renderForSummary(message: Message): string {
  switch (message.role) {
    case "system":
      return `System: ${message.content}`;
    case "user":
      return `User: ${message.content}`;
    case "assistant": {
      const calls = (message.toolCalls ?? []).map((c) => `\n[called ${c.name} with ${c.arguments}]`);
      return `Assistant: ${message.content}${calls.join("")}`;
    }
    case "tool":
      return `Tool result (${message.name}${message.isError ? ", failed" : ""}): ${message.content}`;
  }
}

export interface SummarizeOptions {
  model: Model;
  prompt: string;
  counter: TokenCounter;
  /** Tokens of transcript sent in one summarizer call; longer spans are folded in several calls. */
  chunkTokens: number;
  maxSummaryTokens: number;
  signal?: AbortSignal;
}

/** Splits the transcript of `messages` into chunks of at most about `chunkTokens` tokens each. */
export function transcriptChunks(
  messages: readonly Message[],
  counter: TokenCounter,
  chunkTokens: number,
): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let currentTokens = 0;
  for (const message of messages) {
    // A single huge message (a long tool result) is cut so that it fits in one chunk on its own.
    let text = renderForSummary(message);
    let tokens = counter.count(text);
    if (tokens > chunkTokens) {
      text = truncateToTokens(text, chunkTokens, counter);
      tokens = counter.count(text);
    }
    if (current.length > 0 && currentTokens + tokens > chunkTokens) {
      chunks.push(current.join("\n\n"));
      current = [];
      currentTokens = 0;
    }
    current.push(text);
    currentTokens += tokens;
  }
  if (current.length > 0) chunks.push(current.join("\n\n"));
  return chunks;
}

async function callSummarizer(options: SummarizeOptions, previous: string | undefined, chunk: string) {
  const parts: string[] = [];
  if (previous) parts.push(`Summary so far:\n<summary>\n${previous}\n</summary>`);
  parts.push(
    `${previous ? "New messages" : "Conversation"} to summarize:\n<conversation>\n${chunk}\n</conversation>`,
  );
  let text = "";
  const stream = options.model.stream(
    {
      system: options.prompt,
      messages: [{ role: "user", content: parts.join("\n\n") }],
      maxOutputTokens: options.maxSummaryTokens,
    },
    options.signal,
  );
  for await (const event of stream) {
    if (event.type === "text-delta") text += event.text;
  }
  options.signal?.throwIfAborted();
  const summary = text.trim();
  if (!summary) throw new Error("summarizer returned no text");
  return summary;
}

/** Summarizes `messages`, extending `previous` (a summary of what came before them) when given. */
export async function summarizeMessages(
  messages: readonly Message[],
  previous: string | undefined,
  options: SummarizeOptions,
): Promise<string> {
  let summary = previous;
  for (const chunk of transcriptChunks(messages, options.counter, options.chunkTokens)) {
    options.signal?.throwIfAborted();
    summary = await callSummarizer(options, summary, chunk);
  }
  if (summary === undefined) throw new Error("nothing to summarize");
  return summary;
}

/** A cheap fingerprint of a history prefix (FNV-1a over roles, contents and tool calls). */
export function hashMessages(messages: readonly Message[], count: number): string {
  let hash = 0x811c9dc5;
  const mix = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0xff; // separator, so "ab"+"c" and "a"+"bc" differ
    hash = Math.imul(hash, 0x01000193);
  };
  for (let i = 0; i < count && i < messages.length; i++) {
    const message = messages[i]!;
    mix(message.role);
    mix(message.content);
    if (message.role === "tool") mix(message.toolCallId);
    if (message.role === "assistant")
      for (const call of message.toolCalls ?? []) mix(call.id + call.arguments);
  }
  return (hash >>> 0).toString(16);
}
