// A consumer of the published @skein/core: compiled against `dist/types` (no `development` condition).
import { Agent, type AgentEvent, type RunResult, tool } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";

const add = tool({
  name: "add",
  description: "Adds two numbers",
  input: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  run: (input: { a: number; b: number }) => input.a + input.b,
});

const model = scriptedModel([
  { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] },
  { text: "5" },
  { text: "5 again" },
]);
const agent = new Agent({ name: "adder", instructions: "Add.", model, tools: [add] });
const result: RunResult = await agent.run("2 + 3?");
const types: AgentEvent["type"][] = [];
for await (const event of agent.stream("again")) types.push(event.type);
export const answer: string = result.text;
