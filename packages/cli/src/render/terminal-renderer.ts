import { styleText } from "node:util";
import type { AgentEvent, ErrorInfo, StopReason } from "../core-imports.ts";

export type Write = (text: string) => void;

/** Turns a run's events into output. One renderer lives as long as the chat, across runs. */
export interface Renderer {
  render(event: AgentEvent): void;
  /** An error outside any run (a thrown exception, a bad configuration). */
  renderError(error: ErrorInfo): void;
}

export interface TerminalRendererOptions {
  out: Write;
  err: Write;
  /** ANSI styles; decide with `shouldUseColor`. */
  color: boolean;
  /** Show reasoning deltas (dimmed when colored). */
  showReasoning: boolean;
  /** Longest tool argument / result shown on one line before it is cut with "…". */
  maxToolText?: number;
}

/** Color only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const shouldUseColor = (
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
) => stream.isTTY === true && !env.NO_COLOR;

type Style = Parameters<typeof styleText>[0];

/** Collapses whitespace to single spaces and cuts to `max` characters. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

const STOP_NOTES: Partial<Record<StopReason, string>> = {
  cancelled: "(cancelled)",
  "max-turns": "(stopped: the turn limit was reached)",
  "max-tokens": "(stopped: the token budget was reached)",
};

/**
 * Human-readable rendering: text streams as it arrives, reasoning dimmed, tool calls as `→ name {args}` and
 * results as `← name result`, errors in red with their code (on `err`).
 */
export class TerminalRenderer implements Renderer {
  private readonly options: TerminalRendererOptions;
  private readonly maxToolText: number;
  /** The cursor is not at the start of a line. */
  private lineOpen = false;
  private streaming: "text" | "reasoning" | undefined;
  private errorShown = false;

  constructor(options: TerminalRendererOptions) {
    this.options = options;
    this.maxToolText = options.maxToolText ?? 160;
  }

  render(event: AgentEvent): void {
    switch (event.type) {
      case "run-start":
        this.errorShown = false;
        this.streaming = undefined;
        return;
      case "reasoning-delta":
        if (!this.options.showReasoning || event.text === "") return;
        this.stream("reasoning", event.text);
        return;
      case "text-delta":
        if (event.text === "") return;
        this.stream("text", event.text);
        return;
      case "turn-discarded":
        this.line(
          this.style(
            "yellow",
            `(model call failed: ${event.error.code}; retrying, the partial answer above is void)`,
          ),
        );
        return;
      case "tool-call": {
        const args = event.call.input === undefined ? event.call.arguments : JSON.stringify(event.call.input);
        this.line(`${this.style("cyan", `→ ${event.call.name}`)} ${shorten(args, this.maxToolText)}`);
        return;
      }
      case "tool-progress": {
        const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
        this.line(this.style("dim", `… ${event.name} ${shorten(data ?? "", this.maxToolText)}`));
        return;
      }
      case "tool-result":
        this.line(this.style("dim", `← ${event.name} ${shorten(event.content, this.maxToolText)}`));
        return;
      case "tool-error":
        this.line(this.style("red", `← ${event.name} failed [${event.error.code}] ${event.error.message}`));
        return;
      case "error":
        this.renderError(event.error);
        return;
      case "run-end":
        this.endLine();
        if (event.error && !this.errorShown && event.stopReason !== "cancelled")
          this.renderError(event.error);
        if (STOP_NOTES[event.stopReason]) this.line(this.style("yellow", STOP_NOTES[event.stopReason]!));
        this.streaming = undefined;
        return;
      default:
        // turn-start, turn-end and the hook points carry nothing new to show.
        return;
    }
  }

  renderError(error: ErrorInfo): void {
    this.endLine();
    this.errorShown = true;
    this.options.err(`${this.style("red", `error [${error.code}]: ${error.message}`)}\n`);
  }

  private stream(kind: "text" | "reasoning", text: string): void {
    if (this.streaming !== kind) this.endLine();
    this.streaming = kind;
    this.write(kind === "reasoning" ? this.style("dim", text) : text, text);
  }

  /** A whole line of its own, after whatever was streaming. */
  private line(text: string): void {
    this.endLine();
    this.streaming = undefined;
    this.write(`${text}\n`, "\n");
  }

  private endLine(): void {
    if (this.lineOpen) this.write("\n", "\n");
  }

  /** `plain` is the text without styles, to know where the cursor ends up. */
  private write(styled: string, plain: string): void {
    this.options.out(styled);
    this.lineOpen = !plain.endsWith("\n");
  }

  private style(style: Style, text: string): string {
    return this.options.color ? styleText(style, text, { validateStream: false }) : text;
  }
}
