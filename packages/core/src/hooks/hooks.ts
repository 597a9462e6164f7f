import type { AgentEvent, AgentEventOf, AgentEventType } from "../agent/events.ts";
import type { AnyTool } from "../tools/tool.ts";

export type Handler<T extends AgentEventType> = (event: AgentEventOf<T>) => void | Promise<void>;

/** Handlers by event type: one bus for stream events and hook points alike. */
export type Hooks = { [T in AgentEventType]?: Handler<T> | Handler<T>[] };

/** A named bundle of hooks, and optionally tools (retries, memory, sessions, tracing are all plugins). */
export interface Plugin {
  name: string;
  hooks: Hooks;
  /** Tools the plugin adds to every run it takes part in (e.g. memory's `remember`, `recall`, `forget`). */
  tools?: readonly AnyTool[];
}

/**
 * Dispatch table built once per agent: a lookup per event, nothing when no handler listens. A run with plugins of its
 * own gets a bus layered on the agent's (`with`), holding only those plugins' handlers: a run copies nothing.
 */
export class HookBus {
  private readonly handlers = new Map<AgentEventType, ((event: AgentEvent) => void | Promise<void>)[]>();
  private readonly base: HookBus | undefined;

  constructor(plugins: Plugin[], base?: HookBus) {
    this.base = base;
    for (const plugin of plugins) {
      for (const [type, value] of Object.entries(plugin.hooks)) {
        const list = Array.isArray(value) ? value : [value];
        const existing = this.handlers.get(type as AgentEventType) ?? [];
        existing.push(...(list as ((event: AgentEvent) => void | Promise<void>)[]));
        this.handlers.set(type as AgentEventType, existing);
      }
    }
  }

  /** A bus running this bus's handlers, then these plugins' (per-run plugins); this bus is unchanged. */
  with(plugins: Plugin[]): HookBus {
    return new HookBus(plugins, this);
  }

  has(type: AgentEventType): boolean {
    return this.handlers.has(type) || (this.base?.has(type) ?? false);
  }

  /** Runs the handlers of `event.type` in registration order; awaits only when a handler returns a promise. */
  async emit(event: AgentEvent): Promise<void> {
    if (this.base?.has(event.type)) await this.base.emit(event);
    const list = this.handlers.get(event.type);
    if (!list) return;
    for (const handler of list) {
      const pending = handler(event);
      if (pending) await pending;
    }
  }
}
