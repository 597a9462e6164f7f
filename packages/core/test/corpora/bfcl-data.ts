import { readFileSync } from "node:fs";
import path from "node:path";

// BFCL v4 single-turn data (see ../shared/external/bfcl/README.md). JSON Lines despite the .json name.
const repoRoot = path.resolve(import.meta.dirname, "../../../..");
export const bfclDir = path.resolve(repoRoot, "../shared/external/bfcl");

export interface BfclSchema {
  type?: string;
  description?: string;
  properties?: Record<string, BfclSchema>;
  items?: BfclSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  [key: string]: unknown;
}

export interface BfclFunction {
  name: string;
  description: string;
  parameters: BfclSchema;
}

export interface BfclEntry {
  id: string;
  question: { role: string; content: string }[][];
  function: BfclFunction[];
}

/** One expected call: `{ functionName: { param: [acceptable values...] } }`; `""` means "may be left out". */
export type GroundTruthCall = Record<string, Record<string, unknown[]>>;

export interface BfclCase extends BfclEntry {
  category: string;
  language: "python" | "javascript";
  groundTruth?: GroundTruthCall[];
}

export const ANSWERED_CATEGORIES = [
  "simple_python",
  "simple_javascript",
  "multiple",
  "parallel",
  "parallel_multiple",
  "live_simple",
  "live_multiple",
  "live_parallel",
  "live_parallel_multiple",
] as const;
export const IRRELEVANCE_CATEGORIES = ["irrelevance", "live_irrelevance"] as const;

const readJsonLines = <T>(file: string): T[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);

/** Loads one category with its answers; throws (failing the test) when a file is missing or out of step. */
export function loadCategory(category: string): BfclCase[] {
  const entries = readJsonLines<BfclEntry>(path.join(bfclDir, `BFCL_v4_${category}.json`));
  const answered = (ANSWERED_CATEGORIES as readonly string[]).includes(category);
  const answers = answered
    ? readJsonLines<{ id: string; ground_truth: GroundTruthCall[] }>(
        path.join(bfclDir, "possible_answer", `BFCL_v4_${category}.json`),
      )
    : [];
  if (answered && answers.length !== entries.length)
    throw new Error(`${category}: answers and entries differ in count`);
  return entries.map((entry, i) => {
    const answer = answers[i];
    if (answered && answer?.id !== entry.id) throw new Error(`${category}: answer ${i} is for ${answer?.id}`);
    return {
      ...entry,
      category,
      language: category === "simple_javascript" ? "javascript" : "python",
      groundTruth: answer?.ground_truth,
    };
  });
}

export const loadAll = (categories: readonly string[]): BfclCase[] => categories.flatMap(loadCategory);
