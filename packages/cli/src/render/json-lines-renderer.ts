import type { AgentEvent, ErrorInfo } from "../core-imports.ts";
import type { Renderer, Write } from "./terminal-renderer.ts";

/** Hook points travel on the event bus too, but they hold live objects (requests, errors) and no new output. */
const HOOK_TYPES: ReadonlySet<AgentEvent["type"]> = new Set([
  "before-model-call",
  "after-model-call",
  "before-tool-call",
  "after-tool-call",
]);

/** `--json`: one JSON object per line for each stream event (run-start … run-end), for scripts. */
export class JsonLinesRenderer implements Renderer {
  private readonly out: Write;
  constructor(out: Write) {
    this.out = out;
  }

  render(event: AgentEvent): void {
    if (HOOK_TYPES.has(event.type)) return;
    this.out(`${JSON.stringify(event)}\n`);
  }

  /** Errors outside a run use the same shape as the `error` event, without a runId. */
  renderError(error: ErrorInfo): void {
    this.out(`${JSON.stringify({ type: "error", error })}\n`);
  }
}
