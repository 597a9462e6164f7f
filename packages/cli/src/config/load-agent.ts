import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { aliasBundledModules } from "../bundle/aliases.ts";
import type { Agent } from "../core-imports.ts";
import { AgentLoadError } from "../errors.ts";

/** File names looked for, in order, when the target is a folder. */
export const AGENT_FILE_NAMES = ["agent.ts", "agent.mts", "agent.js", "agent.mjs"] as const;

export interface LoadedAgent {
  agent: Agent;
  /** Absolute path of the file the agent came from. */
  file: string;
}

// Duck-typed rather than `instanceof`: an agent file may load its own copy of @skein/core.
const isAgent = (value: unknown): value is Agent =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Agent).name === "string" &&
  typeof (value as Agent).stream === "function" &&
  typeof (value as Agent).run === "function";

const statOrUndefined = async (file: string) => {
  try {
    return await stat(file);
  } catch {
    return undefined;
  }
};

/** Finds the agent file: the target itself, or `agent.ts` (…) inside the target folder. */
export async function findAgentFile(target: string | undefined, cwd: string): Promise<string> {
  const resolved = path.resolve(cwd, target ?? ".");
  const stats = await statOrUndefined(resolved);
  if (!stats) throw new AgentLoadError("agent_not_found", `No agent file or folder at ${resolved}`);
  if (stats.isFile()) return resolved;
  for (const name of AGENT_FILE_NAMES) {
    const candidate = path.join(resolved, name);
    if ((await statOrUndefined(candidate))?.isFile()) return candidate;
  }
  throw new AgentLoadError(
    "agent_not_found",
    `No agent in ${resolved}: expected one of ${AGENT_FILE_NAMES.join(", ")}, or pass the agent file's path.`,
  );
}

/** Imports an agent file and returns its default export, or its named export `agent`. */
export async function loadAgent(
  target: string | undefined,
  cwd: string = process.cwd(),
): Promise<LoadedAgent> {
  const file = await findAgentFile(target, cwd);
  aliasBundledModules();
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AgentLoadError("agent_import_failed", `Could not load ${file}: ${reason}`, error);
  }
  const candidate = isAgent(module.default) ? module.default : module.agent;
  if (!isAgent(candidate)) {
    throw new AgentLoadError(
      "agent_invalid",
      `${file} does not export an Agent: export one as default (export default new Agent({...})) or as "agent".`,
    );
  }
  return { agent: candidate, file };
}
