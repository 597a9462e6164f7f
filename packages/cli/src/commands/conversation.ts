import type { Agent, Message, Model, RunEndEvent, StopReason } from "../core-imports.ts";
import { SkeinError } from "../core-imports.ts";
import type { Renderer } from "../render/terminal-renderer.ts";

/** Histories of named sessions (`--session`), kept in memory for this process only. */
const sessions = new Map<string, Message[]>();

/** One conversation with an agent: each turn is a run whose history is the previous run's `messages`. */
export class Conversation {
  private readonly agent: Agent;
  private readonly model: Model;
  private readonly renderer: Renderer;
  private readonly sessionId: string | undefined;
  private history: Message[];

  constructor(options: { agent: Agent; model: Model; renderer: Renderer; sessionId?: string }) {
    this.agent = options.agent;
    this.model = options.model;
    this.renderer = options.renderer;
    this.sessionId = options.sessionId;
    this.history = this.sessionId ? (sessions.get(this.sessionId) ?? []) : [];
  }

  get messages(): readonly Message[] {
    return this.history;
  }

  /** Runs one turn, rendering its events; returns how it ended. Never throws. */
  async turn(input: string, signal: AbortSignal): Promise<StopReason> {
    let end: RunEndEvent | undefined;
    try {
      const events = this.agent.stream(input, {
        model: this.model,
        history: this.history,
        signal,
        ...(this.sessionId ? { sessionId: this.sessionId } : {}),
      });
      for await (const event of events) {
        this.renderer.render(event);
        if (event.type === "run-end") end = event;
      }
    } catch (error) {
      // The loop reports failures as events; this is for an agent that breaks that promise.
      this.renderer.renderError(
        error instanceof SkeinError
          ? { code: error.code, message: error.message }
          : { code: "internal_error", message: error instanceof Error ? error.message : String(error) },
      );
      return "error";
    }
    if (!end) {
      this.renderer.renderError({ code: "internal_error", message: "The run ended without a run-end event" });
      return "error";
    }
    // `messages` is a valid history at every ending, cancelled runs included.
    this.history = end.messages;
    if (this.sessionId) sessions.set(this.sessionId, this.history);
    return end.stopReason;
  }
}
