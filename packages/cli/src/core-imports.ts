// The one place the CLI imports @skein/core from, so switching between source paths and the package is one edit.
import { openaiCompatible, type QwenRegionName, qwen } from "@skein/core";
import type { ModelFactories } from "./config/resolve-model.ts";

export {
  Agent,
  type AgentEvent,
  type AgentRunOptions,
  type ErrorInfo,
  type Message,
  type Model,
  ModelNotConfiguredError,
  type RunEndEvent,
  SkeinError,
  type StopReason,
} from "@skein/core";

/** The real providers; `qwen()` checks the region name itself (an unknown one is a configuration error). */
export const modelFactories: ModelFactories = {
  openaiCompatible: (options) => openaiCompatible(options),
  qwen: ({ region, ...options }) => qwen({ ...options, region: region as QwenRegionName | undefined }),
};
