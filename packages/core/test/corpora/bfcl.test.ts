import { describe, expect, it } from "vitest";
import type { ToolSpec } from "../../src/model/model.ts";
import {
  type QwenToolFormat,
  renderQwenAssistantText,
  renderQwenToolsPrompt,
} from "../../src/models/qwen-text/index.ts";
import { compileToolInputSchema, type ValidationResult } from "../../src/schema/index.ts";
import { createToolNameMap, isProviderToolName, type ToolNameMap } from "../../src/tools/tool-name.ts";
import { parseChunks, randomChunks, seededRandom } from "../qwen-text/helpers.ts";
import { checkCalls, type ModelCall } from "./bfcl-ast-checker.ts";
import {
  convertBfclFunction,
  firstAcceptableArguments,
  schemaProblems,
  wrongTypeValue,
} from "./bfcl-convert.ts";
import { ANSWERED_CATEGORIES, type BfclCase, IRRELEVANCE_CATEGORIES, loadAll } from "./bfcl-data.ts";
import {
  CODER_RULE,
  coderUnrepresentable,
  leaderboardOnlyReason,
  unsatisfiableAnswer,
  VALIDATION_RULES,
} from "./bfcl-exclusions.ts";

// Every BFCL v4 single-turn case in ../shared/external/bfcl. Deliberate departures from the leaderboard:
// - `any` maps to `{}` and `Boolean` to boolean (see bfcl-convert.ts): the ground truth holds typed values there.
// - simple_javascript is not turned into string parameters: that is prompt wording for JavaScript literals, and
//   the ground truth holds typed values, which is what a validator and a parser see.
// Exclusions are rules computed from the data (bfcl-exclusions.ts), counted and printed; nothing is excluded by id:
// - answers no call can pass under the leaderboard's own rules (5 entries: a required parameter the answer only
//   allows to leave out, or an answer parameter the function does not declare);
// - argument validation: ground-truth values the leaderboard accepts by convention but JSON Schema rejects
//   (variable references of another type, values outside an enum); each rejection must be explained by a rule;
// - the Coder round trip: values the Coder text form cannot carry (untyped parameters holding non-text).

/** Counts of rule-excluded cases in this pinned corpus (printed with their reasons by the tests). */
const EXPECTED = {
  variable: 41,
  enum: 63,
  unsatisfiableRejected: 4,
  unsatisfiableEntries: 5,
  coderUnrepresentable: 1,
};

const answered = loadAll(ANSWERED_CATEGORIES);
const irrelevant = loadAll(IRRELEVANCE_CATEGORIES);

interface Prepared {
  entry: BfclCase;
  names: ToolNameMap;
  specs: ToolSpec[];
}

const prepare = (entry: BfclCase): Prepared => {
  const names = createToolNameMap(entry.function.map((f) => f.name));
  return { entry, names, specs: entry.function.map((f) => convertBfclFunction(f, names)) };
};

const report = (label: string, passed: number, total: number) => {
  console.log(`${label}: ${passed}/${total} passed (${((100 * passed) / Math.max(total, 1)).toFixed(2)}%)`);
};

describe("BFCL v4 corpus", () => {
  it("has every documented entry", () => {
    expect(answered).toHaveLength(2401);
    expect(irrelevant).toHaveLength(1124);
    expect(answered.reduce((n, e) => n + (e.groundTruth?.length ?? 0), 0)).toBe(3202);
  });

  it("converts every tool schema to JSON Schema providers accept, with reversible names", () => {
    const failures: string[] = [];
    let total = 0;
    for (const entry of [...answered, ...irrelevant]) {
      const { names, specs } = prepare(entry);
      entry.function.forEach((fn, i) => {
        total++;
        const spec = specs[i]!;
        const problems = schemaProblems(spec.parameters);
        if (!isProviderToolName(spec.name)) problems.push(`provider name ${spec.name}`);
        if (names.fromProvider(spec.name) !== fn.name) problems.push(`name does not map back: ${spec.name}`);
        try {
          const compiled = compileToolInputSchema(spec.parameters);
          if (compiled.jsonSchema.type !== "object") problems.push("root is not an object");
        } catch (error) {
          problems.push(`compile: ${(error as Error).message}`);
        }
        if (problems.length > 0) failures.push(`${entry.id} ${fn.name}: ${problems.join("; ")}`);
      });
      // The tools prompt must carry each schema losslessly (one JSON line per tool).
      const prompt = renderQwenToolsPrompt(specs);
      const lines = prompt.slice(prompt.indexOf("<tools>\n") + 8, prompt.indexOf("\n</tools>")).split("\n");
      const shown = specs.length === 0 ? [] : lines.map((line) => JSON.parse(line).function);
      if (JSON.stringify(shown) !== JSON.stringify(specs)) failures.push(`${entry.id}: tools prompt differs`);
    }
    report("BFCL schema conversion", total - failures.length, total);
    expect(total).toBe(8582);
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it("accepts every ground-truth call's arguments and rejects mutated ones", () => {
    const counts = {
      accepted: 0,
      calls: 0,
      wrongType: 0,
      wrongTypeRejected: 0,
      missing: 0,
      missingRejected: 0,
    };
    const excluded = { variable: 0, enum: 0, unsatisfiable: 0 };
    const failures: string[] = [];
    for (const entry of answered) {
      const { specs } = prepare(entry);
      const compiled = specs.map((spec) => compileToolInputSchema(spec.parameters));
      for (const answer of entry.groundTruth ?? []) {
        const [name, params] = Object.entries(answer)[0]!;
        const index = entry.function.findIndex((f) => f.name === name);
        const fn = entry.function[index]!;
        const validator = compiled[index]!;
        const properties = specs[index]!.parameters.properties as Record<string, Record<string, unknown>>;
        const args = firstAcceptableArguments(params, fn);
        const validate = (value: unknown) => validator.validate(value) as ValidationResult<unknown>;
        counts.calls++;
        const result = validate(args);
        if (result.ok) counts.accepted++;
        else if (unsatisfiableAnswer(params, fn)) excluded.unsatisfiable++;
        else {
          // Every issue must be one a rule explains; anything else is a failure.
          const reasons = result.issues.map((issue) => {
            const param = issue.path.split("/")[1];
            return param === undefined ? undefined : leaderboardOnlyReason(args[param], properties[param]);
          });
          const reason = reasons[0];
          if (reason !== undefined && reasons.every((r) => r !== undefined)) excluded[reason]++;
          else failures.push(`${entry.id} ${name}: ${JSON.stringify(result.issues).slice(0, 300)}`);
        }

        const mutable = Object.keys(args).find((key) => wrongTypeValue(properties[key]) !== undefined);
        if (mutable !== undefined) {
          counts.wrongType++;
          if (!validate({ ...args, [mutable]: wrongTypeValue(properties[mutable]) }).ok)
            counts.wrongTypeRejected++;
          else failures.push(`${entry.id} ${name}: wrong type for ${mutable} accepted`);
        }
        const required = ((specs[index]!.parameters.required ?? []) as string[]).find((key) => key in args);
        if (required !== undefined) {
          counts.missing++;
          const { [required]: _, ...rest } = args;
          if (!validate(rest).ok) counts.missingRejected++;
          else failures.push(`${entry.id} ${name}: missing ${required} accepted`);
        }
      }
    }
    const inScope = counts.calls - excluded.variable - excluded.enum - excluded.unsatisfiable;
    report("BFCL argument validation (ground truth accepted)", counts.accepted, counts.calls);
    report("BFCL argument validation (ground truth accepted, in scope)", counts.accepted, inScope);
    console.log(`  rejected by rule, not counted: ${excluded.variable} (${VALIDATION_RULES.variable})`);
    console.log(`  rejected by rule, not counted: ${excluded.enum} (${VALIDATION_RULES.enum})`);
    console.log(`  rejected by rule, not counted: ${excluded.unsatisfiable} (an answer no call can pass)`);
    report("BFCL argument validation (wrong type rejected)", counts.wrongTypeRejected, counts.wrongType);
    report("BFCL argument validation (missing required rejected)", counts.missingRejected, counts.missing);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(counts.calls).toBe(3202);
    expect(counts.accepted).toBe(inScope);
    // The corpus is pinned to one upstream commit: these counts only move when the data or a rule does.
    expect(excluded).toEqual({
      variable: EXPECTED.variable,
      enum: EXPECTED.enum,
      unsatisfiable: EXPECTED.unsatisfiableRejected,
    });
    expect(counts.wrongType).toBeGreaterThan(3000);
    expect(counts.missing).toBeGreaterThan(2500);
  });

  it.each(["hermes", "coder"] as const)(
    "round-trips every ground-truth call through Qwen %s text split at random points, scored by the AST checker",
    (format: QwenToolFormat) => {
      const random = seededRandom(format === "hermes" ? 20260323 : 44401);
      const failures: string[] = [];
      const byCategory = new Map<string, { passed: number; total: number }>();
      const skipped = { unsatisfiable: 0, coder: 0 };
      for (const entry of answered) {
        const { names, specs } = prepare(entry);
        const answers = (entry.groundTruth ?? []).map((answer) => {
          const [name, params] = Object.entries(answer)[0]!;
          const index = entry.function.findIndex((f) => f.name === name);
          const fn = entry.function[index]!;
          const args = firstAcceptableArguments(params, fn);
          const call = { name: names.toProvider(name), arguments: args };
          return {
            call,
            unsatisfiable: unsatisfiableAnswer(params, fn),
            coder: coderUnrepresentable(args, specs[index]!.parameters),
          };
        });
        if (answers.some((a) => a.unsatisfiable)) {
          skipped.unsatisfiable++;
          continue;
        }
        if (format === "coder" && answers.some((a) => a.coder)) {
          skipped.coder++;
          continue;
        }
        const toolCalls = answers.map((a) => a.call);
        const preface = "I will call the functions now.";
        const text = renderQwenAssistantText({ content: preface, toolCalls }, format);
        const events = parseChunks(randomChunks(text, random, 16), { tools: specs });
        const outputs: ModelCall[] = events.flatMap((e) =>
          e.type === "tool-call" ? [{ [names.fromProvider(e.call.name)]: JSON.parse(e.call.arguments) }] : [],
        );
        const prose = events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
        const result = checkCalls(entry.function, outputs, entry.groundTruth ?? [], entry.language);
        const stats = byCategory.get(entry.category) ?? { passed: 0, total: 0 };
        stats.total++;
        if (result.valid && prose === preface) stats.passed++;
        else failures.push(`${entry.id}: ${result.valid ? `text ${JSON.stringify(prose)}` : result.error}`);
        byCategory.set(entry.category, stats);
      }
      const passed = [...byCategory.values()].reduce((n, s) => n + s.passed, 0);
      report(`BFCL Qwen ${format} round trip`, passed, answered.length);
      report(
        `BFCL Qwen ${format} round trip (in scope)`,
        passed,
        answered.length - skipped.unsatisfiable - skipped.coder,
      );
      for (const [category, stats] of byCategory) report(`  ${category}`, stats.passed, stats.total);
      console.log(`  skipped by rule: ${skipped.unsatisfiable} entries whose answer no call can pass`);
      if (format === "coder") console.log(`  skipped by rule: ${skipped.coder} entries (${CODER_RULE})`);
      expect(failures.slice(0, 20)).toEqual([]);
      expect(skipped).toEqual({
        unsatisfiable: EXPECTED.unsatisfiableEntries,
        coder: format === "coder" ? EXPECTED.coderUnrepresentable : 0,
      });
    },
  );

  it("yields no call for the irrelevance cases' plain text answers", () => {
    const random = seededRandom(884);
    const failures: string[] = [];
    for (const entry of irrelevant) {
      const { specs } = prepare(entry);
      const question = entry.question[0]?.findLast((m) => m.role === "user")?.content ?? "";
      const answer =
        `None of the available functions (${specs.map((s) => s.name).join(", ")}) fits. You asked: ${question}`.trim();
      const events = parseChunks(randomChunks(answer, random, 16), { tools: specs });
      const calls = events.filter((e) => e.type === "tool-call").length;
      const prose = events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
      if (calls !== 0 || prose !== answer) failures.push(`${entry.id}: ${calls} calls`);
    }
    report("BFCL irrelevance (no call)", irrelevant.length - failures.length, irrelevant.length);
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
