import { compileToolInputSchema } from "../schema/compile.ts";
import type { InferSchema, SchemaInput } from "../schema/schema.ts";
import type { Tool, ToolContext, ToolStreamEvent } from "./tool.ts";
import { assertToolName } from "./tool-name.ts";

type RunReturn = unknown | Promise<unknown> | AsyncGenerator<unknown, unknown, undefined>;

export interface ToolDefinition<S extends SchemaInput> {
  name: string;
  description: string;
  /** Any Standard Schema (zod, valibot, arktype) or a plain JSON Schema; compiled once here. */
  input: S;
  /** Deadline for one call, in ms (defaults to the agent's `toolTimeoutMs`). */
  timeoutMs?: number;
  /** `false` when running a call twice could do harm (see `Tool.idempotent`). */
  idempotent?: boolean;
  /**
   * Returns the result (any JSON-serialisable value or a string), or is an async generator that yields progress
   * and returns the result.
   */
  run(input: InferSchema<S>, ctx: ToolContext): RunReturn;
}

const isAsyncGenerator = (value: unknown): value is AsyncGenerator<unknown, unknown, undefined> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as AsyncGenerator).next === "function" &&
  Symbol.asyncIterator in value;

/** Defines a function tool. */
export function tool<S extends SchemaInput>(definition: ToolDefinition<S>): Tool<InferSchema<S>> {
  assertToolName(definition.name);
  const input = compileToolInputSchema<InferSchema<S>>(definition.input as SchemaInput<InferSchema<S>>);
  return {
    name: definition.name,
    description: definition.description,
    input,
    timeoutMs: definition.timeoutMs,
    ...(definition.idempotent !== undefined && { idempotent: definition.idempotent }),
    async *stream(args: InferSchema<S>, ctx: ToolContext): AsyncGenerator<ToolStreamEvent> {
      const returned = definition.run(args, ctx);
      if (!isAsyncGenerator(returned)) {
        yield { type: "result", content: await returned };
        return;
      }
      while (true) {
        const step = await returned.next();
        if (step.done) {
          yield { type: "result", content: step.value };
          return;
        }
        yield { type: "progress", data: step.value };
      }
    },
  };
}
