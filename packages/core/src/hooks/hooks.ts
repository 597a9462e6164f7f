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

/** Dispatch table built once per agent: a lookup per event, nothing when no handler listens. */
export class HookBus {
  private readonly handlers = new Map<AgentEventType, ((event: AgentEvent) => void | Promise<void>)[]>();

  constructor(plugins: Plugin[]) {
    for (const plugin of plugins) {
      for (const [type, value] of Object.entries(plugin.hooks)) {
        const list = Array.isArray(value) ? value : [value];
        const existing = this.handlers.get(type as AgentEventType) ?? [];
        existing.push(...(list as ((event: AgentEvent) => void | Promise<void>)[]));
        this.handlers.set(type as AgentEventType, existing);
      }
    }
  }

  /** A new bus with these plugins' handlers after this bus's own (per-run plugins); this bus is unchanged. */
  with(plugins: Plugin[]): HookBus {
    const bus = new HookBus(plugins);
    for (const [type, list] of this.handlers)
      bus.handlers.set(type, [...list, ...(bus.handlers.get(type) ?? [])]);
    return bus;
  }

  has(type: AgentEventType): boolean {
    return this.handlers.has(type);
  }

  /** Runs the handlers of `event.type` in registration order; awaits only when a handler returns a promise. */
  async emit(event: AgentEvent): Promise<void> {
    const list = this.handlers.get(event.type);
    if (!list) return;
    for (const handler of list) {
      const pending = handler(event);
      if (pending) await pending;
    }
  }
}
