import { SkeinError } from "../errors/errors.ts";
import type { Plugin } from "../hooks/hooks.ts";
import type { ToolSpec } from "../model/model.ts";
import type { AnyTool } from "../tools/tool.ts";

/** The tools of a run by name, and what the model is told about them; built once per agent (and per run only
 * when per-run plugins bring tools of their own). */
export interface Toolbox {
  tools: ReadonlyMap<string, AnyTool>;
  specs: ToolSpec[];
}

export function buildToolbox(
  owner: string,
  tools: readonly AnyTool[],
  plugins: readonly Plugin[] = [],
): Toolbox {
  const byName = new Map<string, AnyTool>();
  for (const t of [...tools, ...plugins.flatMap((p) => p.tools ?? [])]) {
    if (byName.has(t.name))
      throw new SkeinError("duplicate_tool", `Agent "${owner}" has two tools named "${t.name}"`);
    byName.set(t.name, t);
  }
  const specs = [...byName.values()].map((t) => ({
    name: t.name,
    description: t.description,
    parameters: t.input.jsonSchema,
  }));
  return { tools: byName, specs };
}

/** The agent's toolbox extended with the tools of per-run plugins. */
export function extendToolbox(owner: string, base: Toolbox, plugins: readonly Plugin[]): Toolbox {
  if (!plugins.some((p) => p.tools?.length)) return base;
  return buildToolbox(owner, [...base.tools.values()], plugins);
}
