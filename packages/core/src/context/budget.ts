import type { Model, ModelRequest } from "../model/model.ts";

/** The context window to plan for: the explicit one, else the model's. */
export function contextWindowOf(model: Model | undefined, explicit?: number): number | undefined {
  return explicit ?? model?.info?.contextWindow;
}

/**
 * Tokens the prompt may use: the context window less room for the answer. The room is the request's
 * `maxOutputTokens` when set, else the model's `maxOutputTokens` capped at a quarter of the window.
 */
export function inputBudget(contextWindow: number, request: ModelRequest, model?: Model): number {
  const reserve =
    request.maxOutputTokens ?? Math.min(model?.info?.maxOutputTokens ?? 0, Math.floor(contextWindow / 4));
  return Math.max(0, contextWindow - reserve);
}
