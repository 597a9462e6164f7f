import type { Message } from "@skein/core";
import { escapeAttribute, escapeBlockText } from "../text/escape.ts";

/** Longest text kept of one message (tool results are often huge and rarely worth remembering whole). */
const MAX_MESSAGE_CHARS = 4000;

const clip = (text: string): string =>
  text.length <= MAX_MESSAGE_CHARS
    ? text
    : `${text.slice(0, MAX_MESSAGE_CHARS)} [… ${text.length - MAX_MESSAGE_CHARS} characters cut]`;

function line(message: Message): { role: string; text: string } | undefined {
  switch (message.role) {
    case "system":
      return undefined;
    case "user":
      return { role: "user", text: message.content };
    case "assistant": {
      const calls = (message.toolCalls ?? []).map((c) => `[called ${c.name} with ${c.arguments}]`);
      const text = [message.content, ...calls].filter((part) => part !== "").join("\n");
      return text === "" ? undefined : { role: "assistant", text };
    }
    case "tool":
      return { role: `tool ${message.name}${message.isError ? " (failed)" : ""}`, text: message.content };
  }
}

/**
 * The conversation as the extraction model reads it: each message in its own escaped element inside
 * `<transcript>`, so text in the conversation cannot pose as the prompt's own structure.
 */
export function renderTranscript(messages: readonly Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    const entry = line(message);
    if (entry)
      lines.push(
        `<message role="${escapeAttribute(entry.role)}">${escapeBlockText(clip(entry.text))}</message>`,
      );
  }
  return `<transcript>\n${lines.join("\n")}\n</transcript>`;
}
