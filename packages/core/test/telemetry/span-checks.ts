import { type HrTime, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { expect } from "vitest";
import { hasRegistryType, membersOf, type SpecAttribute, spanAttributes } from "./semconv-spec.ts";

export const ms = (t: HrTime): number => t[0] * 1e3 + t[1] / 1e6;

/** Facts about the scripted scenario that decide the spec's conditions (the text itself is prose). */
export interface Scenario {
  sessionId?: string;
  agentDescription?: string;
  seed?: number;
  outputFormat?: boolean;
}

/**
 * Whether a conditionally required attribute's condition holds, by attribute. An attribute the spec makes
 * conditionally required and this table does not know fails the test: a new condition needs a decision.
 */
const conditions: Record<string, (span: ReadableSpan, scenario: Scenario) => boolean> = {
  "error.type": (span) => span.status.code === SpanStatusCode.ERROR,
  // "If available": Skein always knows the model it calls.
  "gen_ai.request.model": () => true,
  "gen_ai.conversation.id": (_, s) => s.sessionId !== undefined,
  "gen_ai.agent.name": () => true,
  "gen_ai.agent.description": (_, s) => s.agentDescription !== undefined,
  // Skein agents have no id apart from their name, and no version.
  "gen_ai.agent.id": () => false,
  "gen_ai.agent.version": () => false,
  "gen_ai.data_source.id": () => false,
  // Skein asks for one choice.
  "gen_ai.request.choice.count": () => false,
  "gen_ai.request.seed": (_, s) => s.seed !== undefined,
  // Every Skein model call streams.
  "gen_ai.request.stream": () => true,
  "gen_ai.output.type": (_, s) => s.outputFormat === true,
  "server.port": (span) => span.attributes["server.address"] !== undefined,
};

/** Asserts the span against its definition in spans.yaml: required and applicable conditional attributes, types. */
export function expectConformingSpan(
  span: ReadableSpan,
  groupId: string,
  scenario: Scenario,
): SpecAttribute[] {
  const spec = spanAttributes(groupId);
  const mandatory = [...spec.values()].filter((a) => {
    if (a.level === "required") return true;
    if (a.level !== "conditionally_required") return false;
    const holds = conditions[a.id];
    if (!holds) throw new Error(`No decision for the condition of ${a.id}: "${a.condition}"`);
    return holds(span, scenario);
  });
  for (const attribute of mandatory) {
    expect(span.attributes[attribute.id], `${span.name}: ${attribute.id} (${attribute.level})`).toBeDefined();
  }
  for (const [key, value] of Object.entries(span.attributes)) {
    const definition = spec.get(key);
    if (definition?.type !== undefined) {
      expect(
        hasRegistryType(definition.type, value),
        `${span.name}: ${key} has type ${definition.type}`,
      ).toBe(true);
    }
  }
  expect(span.attributes["gen_ai.operation.name"] as string).toBeOneOf(membersOf("gen_ai.operation.name"));
  if (span.attributes["error.type"] !== undefined) expect(span.attributes["error.type"]).toBeTypeOf("string");
  return mandatory;
}

/** Spans grouped by trace: the root and the rest. */
export function treesOf(
  spans: readonly ReadableSpan[],
): Map<string, { root: ReadableSpan; children: ReadableSpan[] }> {
  const trees = new Map<string, { root: ReadableSpan; children: ReadableSpan[] }>();
  for (const root of spans.filter((s) => !s.parentSpanContext)) {
    trees.set(root.spanContext().traceId, { root, children: [] });
  }
  for (const span of spans) {
    if (!span.parentSpanContext) continue;
    const tree = trees.get(span.spanContext().traceId);
    if (!tree) throw new Error(`Span ${span.name} has no root in its trace`);
    tree.children.push(span);
  }
  return trees;
}
