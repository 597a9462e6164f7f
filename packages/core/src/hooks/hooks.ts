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

type AnyHandler = (event: AgentEvent) => void | Promise<void>;
type HandlerTable = Map<AgentEventType, AnyHandler[]>;

function tableOf(plugins: readonly Plugin[]): HandlerTable {
  const table: HandlerTable = new Map();
  for (const plugin of plugins) {
    for (const [type, value] of Object.entries(plugin.hooks)) {
      const list = (Array.isArray(value) ? value : [value]) as AnyHandler[];
      const existing = table.get(type as AgentEventType);
      if (existing) existing.push(...list);
      else table.set(type as AgentEventType, [...list]);
    }
  }
  return table;
}

/** Each plugin's own table, built the first time a bus uses the plugin (a plugin shared by runs: once). Never
 * mutated after it is built, so buses share it. */
const pluginTables = new WeakMap<Plugin, HandlerTable>();
function pluginTable(plugin: Plugin): HandlerTable {
  let table = pluginTables.get(plugin);
  if (!table) {
    table = tableOf([plugin]);
    pluginTables.set(plugin, table);
  }
  return table;
}

/**
 * Dispatch table built once per agent: a lookup per event, nothing when no handler listens. A run with plugins of its
 * own gets buses layered on the agent's (`with`), one per plugin, each sharing that plugin's table: a run copies
 * no handler list, and a plugin used by many runs builds its table once.
 */
export class HookBus {
  private readonly handlers: HandlerTable;
  private readonly base: HookBus | undefined;

  constructor(plugins: Plugin[], base?: HookBus) {
    this.base = base;
    this.handlers = plugins.length === 1 ? pluginTable(plugins[0]!) : tableOf(plugins);
  }

  /** A bus running this bus's handlers, then these plugins' (per-run plugins); this bus is unchanged. */
  with(plugins: Plugin[]): HookBus {
    let bus: HookBus = this;
    for (const plugin of plugins) bus = layer(plugin, bus);
    return bus;
  }

  has(type: AgentEventType): boolean {
    return this.handlers.has(type) || (this.base?.has(type) ?? false);
  }

  /**
   * Runs the handlers of `event.type` in registration order. Synchronous while the handlers are: a promise only
   * once one returns a promise (the rest then run after it), so a bus of plain hooks costs no promise per event.
   */
  emit(event: AgentEvent): void | Promise<void> {
    const pending = this.base?.emit(event);
    if (pending) return pending.then(() => this.emitOwn(event, 0));
    return this.emitOwn(event, 0);
  }

  private emitOwn(event: AgentEvent, from: number): void | Promise<void> {
    const list = this.handlers.get(event.type);
    if (!list) return;
    for (let i = from; i < list.length; i++) {
      const pending = list[i]!(event);
      if (pending) return pending.then(() => this.emitOwn(event, i + 1));
    }
  }
}

/**
 * A bus of one plugin over `base`. Outside the class: a class that names itself in its own body is renamed by the
 * build (`class _HookBus`), and its exported name must stay `HookBus`.
 */
const layer = (plugin: Plugin, base: HookBus): HookBus => new HookBus([plugin], base);
