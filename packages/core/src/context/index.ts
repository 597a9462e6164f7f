export { contextWindowOf, inputBudget } from "./budget.ts";
export { type AutoContextOptions, autoContext, composeContext } from "./compose.ts";
export { type HistoryUnit, historyProblems, splitUnits } from "./history-units.ts";
export { fitToWindow, type SlidingWindowOptions, slidingWindow } from "./sliding-window.ts";
export { DEFAULT_SUMMARY_PROMPT } from "./summarize.ts";
export {
  SUMMARY_HEADER,
  type SummarizingContextOptions,
  summarizingContext,
} from "./summarizing-context.ts";
export {
  countRequestTokens,
  defaultTokenCounter,
  estimateTokenCounter,
  estimateTokens,
  qwenTokenCounter,
  type TokenCounter,
} from "./token-counter.ts";
export {
  type TruncateToolResultsOptions,
  truncateMiddle,
  truncateToolResults,
  truncationMarker,
} from "./truncate-tool-results.ts";
