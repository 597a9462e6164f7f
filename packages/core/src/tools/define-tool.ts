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

export const isAsyncGenerator = (value: unknown): value is AsyncGenerator<unknown, unknown, undefined> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as AsyncGenerator).next === "function" &&
  Symbol.asyncIterator in value;

/** A generator `run`'s values as progress events, then its return value as the result. */
export async function* progressEvents(
  returned: AsyncGenerator<unknown, unknown, undefined>,
): AsyncGenerator<ToolStreamEvent> {
  while (true) {
    const step = await returned.next();
    if (step.done) {
      yield { type: "result", content: step.value };
      return;
    }
    yield { type: "progress", data: step.value };
  }
}

type RunFunction = (input: any, ctx: ToolContext) => RunReturn;

/** The `run` of each tool made by `tool()`, keyed by its `stream` (a replaced `stream` is never bypassed). */
const runs = new WeakMap<Tool["stream"], RunFunction>();

/**
 * The `run` behind a tool made by `tool()`, for the executor to call directly instead of through `stream` (the same
 * events: a non-generator return is the result, a generator's values are progress and its return value the result).
 */
export const functionToolRun = (t: Tool<any>): RunFunction | undefined => runs.get(t.stream);

/** Defines a function tool. */
export function tool<S extends SchemaInput>(definition: ToolDefinition<S>): Tool<InferSchema<S>> {
  assertToolName(definition.name);
  const input = compileToolInputSchema<InferSchema<S>>(definition.input as SchemaInput<InferSchema<S>>);
  const created: Tool<InferSchema<S>> = {
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
      yield* progressEvents(returned);
    },
  };
  runs.set(created.stream, (args, ctx) => definition.run(args, ctx));
  return created;
}
