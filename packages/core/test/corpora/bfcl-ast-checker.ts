import type { BfclFunction, BfclSchema, GroundTruthCall } from "./bfcl-data.ts";

// A port of the leaderboard's AST checker (bfcl_eval/eval_checker/ast_eval/ast_checker.py) for the calls a parser
// produces: name match, required parameters present, no parameter outside the schema or the answer, types by the
// leaderboard's Python/JavaScript tables, strings compared after standardisation, dicts and lists of dicts key by key.

/** A model's call as the checker reads it: `{ functionName: { param: value } }`. */
export type ModelCall = Record<string, Record<string, unknown>>;

export type CheckResult = { valid: true } | { valid: false; error: string };

type PyType = "str" | "int" | "float" | "bool" | "list" | "dict" | "NoneType";

const PYTHON_TYPES: Record<string, PyType> = {
  string: "str",
  integer: "int",
  float: "float",
  boolean: "bool",
  array: "list",
  tuple: "list",
  dict: "dict",
  any: "str",
};
const JAVASCRIPT_TYPES: Record<string, PyType> = {
  String: "str",
  integer: "int",
  float: "float",
  Bigint: "int",
  Boolean: "bool",
  dict: "dict",
  array: "list",
  any: "str",
};

/** Python's `type(value)` for a JSON value (an integral number is an int, as JSON.parse cannot tell 5.0 from 5). */
function pyType(value: unknown): PyType {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return Array.isArray(value) ? "list" : "dict";
}

/** Python's `==` on JSON values (True == 1 and 1 == 1.0 hold there too). */
export function pyEqual(a: unknown, b: unknown): boolean {
  if ((typeof a === "number" || typeof a === "boolean") && (typeof b === "number" || typeof b === "boolean"))
    return Number(a) === Number(b);
  if (Array.isArray(a) || Array.isArray(b))
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEqual(v, b[i]))
    );
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const bo = b as Record<string, unknown>;
    return (
      ka.length === kb.length && ka.every((k) => k in bo && pyEqual((a as Record<string, unknown>)[k], bo[k]))
    );
  }
  return a === b;
}

const pyIn = (value: unknown, list: readonly unknown[]) => list.some((item) => pyEqual(value, item));

export const standardizeString = (s: string): string =>
  s
    .replace(/[ ,./\-_*^]/g, "")
    .toLowerCase()
    .replaceAll("'", '"');

const possibleAnswerType = (answers: readonly unknown[]): PyType | undefined => {
  const first = answers.find((a) => a !== "");
  return first === undefined ? undefined : pyType(first);
};

function typeCheck(
  value: unknown,
  answers: readonly unknown[],
  expected: PyType,
  nested: PyType | undefined,
): { valid: boolean; isVariable: boolean } {
  const answerType = possibleAnswerType(answers);
  const isVariable = answerType !== undefined && answerType !== expected;
  if (pyType(value) === expected) {
    if (nested === undefined) return { valid: true, isVariable };
    for (const item of answers) {
      if (!Array.isArray(item)) return { valid: true, isVariable };
      if ((value as unknown[]).every((v) => typeCheck(v, item, nested, undefined).valid))
        return { valid: true, isVariable };
    }
    return { valid: false, isVariable };
  }
  if (answerType !== undefined && pyType(value) === answerType) return { valid: true, isVariable: true };
  return { valid: false, isVariable };
}

function stringCheck(value: string, answers: readonly unknown[]): boolean {
  const standard = answers.filter((a): a is string => typeof a === "string").map(standardizeString);
  return standard.includes(standardizeString(value));
}

function listCheck(value: unknown[], answers: readonly unknown[]): boolean {
  const standardize = (v: unknown) => (typeof v === "string" ? standardizeString(v) : v);
  const output = value.map(standardize);
  return answers.some((answer) => pyEqual(output, Array.isArray(answer) ? answer.map(standardize) : []));
}

function dictCheck(value: Record<string, unknown>, answers: readonly unknown[]): boolean {
  const standardize = (v: unknown) => (typeof v === "string" ? standardizeString(v) : v);
  return answers.some((answer) => {
    if (answer === "" || typeof answer !== "object" || answer === null) return false;
    const expected = answer as Record<string, unknown[]>;
    for (const [key, v] of Object.entries(value)) {
      if (!(key in expected)) return false;
      const options = Array.isArray(expected[key]) ? expected[key].map(standardize) : [];
      if (!pyIn(standardize(v), options)) return false;
    }
    return Object.entries(expected).every(
      ([key, options]) => key in value || (Array.isArray(options) && options.includes("")),
    );
  });
}

function listDictCheck(value: unknown[], answers: readonly unknown[]): boolean {
  return answers.some(
    (answer) =>
      Array.isArray(answer) &&
      answer.length === value.length &&
      value.every(
        (item, i) =>
          typeof item === "object" &&
          item !== null &&
          dictCheck(item as Record<string, unknown>, [answer[i]]),
      ),
  );
}

/** The leaderboard's simple_function_checker. */
export function checkCall(
  fn: BfclFunction,
  output: ModelCall,
  answer: GroundTruthCall,
  language: "python" | "javascript",
): CheckResult {
  const expectedParams = Object.values(answer)[0]!;
  const args = output[fn.name];
  if (args === undefined) return { valid: false, error: `wrong function name: ${Object.keys(output)[0]}` };
  const properties = fn.parameters.properties ?? {};
  for (const param of fn.parameters.required ?? [])
    if (!(param in args)) return { valid: false, error: `missing required parameter ${param}` };
  const table = language === "javascript" ? JAVASCRIPT_TYPES : PYTHON_TYPES;
  for (const [param, raw] of Object.entries(args)) {
    const details: BfclSchema | undefined = properties[param];
    const answers = expectedParams[param];
    if (!details || !answers) return { valid: false, error: `unexpected parameter ${param}` };
    const typeName = details.type ?? "";
    const expected = table[typeName] ?? "str";
    const nestable =
      language === "javascript" ? typeName === "array" : typeName === "array" || typeName === "tuple";
    const nested = nestable && details.items ? (table[details.items.type ?? ""] ?? "str") : undefined;
    let value = raw;
    if (language === "python" && typeName === "float" && pyType(value) === "int") value = Number(value);
    const typed = typeCheck(value, answers, expected, nested);
    if (!typed.valid)
      return { valid: false, error: `type error on ${param}: ${pyType(value)} for ${typeName}` };
    if (typed.isVariable) continue;
    let ok: boolean;
    if (expected === "dict") ok = dictCheck(value as Record<string, unknown>, answers);
    else if (expected === "list" && nested === "dict") ok = listDictCheck(value as unknown[], answers);
    else if (expected === "str") ok = stringCheck(value as string, answers);
    else if (expected === "list") ok = listCheck(value as unknown[], answers);
    else ok = pyIn(value, answers);
    if (!ok) return { valid: false, error: `wrong value for ${param}: ${JSON.stringify(value)}` };
  }
  for (const [param, answers] of Object.entries(expectedParams))
    if (!(param in args) && !answers.includes(""))
      return { valid: false, error: `missing parameter ${param}` };
  return { valid: true };
}

/** Every expected call matched by a distinct output call, in any order (the parallel categories' rule). */
export function checkCalls(
  functions: readonly BfclFunction[],
  outputs: readonly ModelCall[],
  answers: readonly GroundTruthCall[],
  language: "python" | "javascript",
): CheckResult {
  if (outputs.length !== answers.length)
    return { valid: false, error: `expected ${answers.length} calls, got ${outputs.length}` };
  const used = new Set<number>();
  for (const answer of answers) {
    const name = Object.keys(answer)[0]!;
    const fn = functions.find((f) => f.name === name);
    if (!fn) return { valid: false, error: `no function ${name} in the entry` };
    let last: CheckResult = { valid: false, error: "no call left" };
    let index = -1;
    for (let i = 0; i < outputs.length && index === -1; i++) {
      if (used.has(i)) continue;
      last = checkCall(fn, outputs[i]!, answer, language);
      if (last.valid) index = i;
    }
    if (index === -1) return last;
    used.add(index);
  }
  return { valid: true };
}
