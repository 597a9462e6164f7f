import type { StandardSchemaV1 } from "@standard-schema/spec";
import { toStandardJsonSchema, toJsonSchema as valibotToJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type CompiledSchema,
  compileSchema,
  compileToolInputSchema,
  formatIssues,
  SchemaConversionError,
  SchemaValidationError,
  type ValidationResult,
} from "../../src/schema/index.ts";

const expectedObjectSchema = {
  type: "object",
  properties: { company: { type: "string" }, year: { type: "integer" } },
  required: ["company"],
};

describe("zod 4", () => {
  const schema = z.object({ company: z.string(), year: z.number().int().optional() });

  it("converts through the Standard JSON Schema interface, without $schema", () => {
    const compiled = compileSchema(schema);
    expect(compiled.jsonSchema).toMatchObject(expectedObjectSchema);
    expect(compiled.jsonSchema.$schema).toBeUndefined();
  });

  it("validates with zod (issues carry JSON Pointer paths) and returns zod's output", async () => {
    const compiled = compileSchema(z.object({ company: z.string().transform((s) => s.toUpperCase()) }));
    expect(await compiled.validate({ company: "baidu" })).toEqual({ ok: true, value: { company: "BAIDU" } });
    const bad = await compiled.validate({ company: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues).toEqual([{ path: "/company", message: expect.stringContaining("string") }]);
  });

  it("fails clearly on types JSON cannot carry", () => {
    const error = catchError(() => compileSchema(z.object({ when: z.date() })));
    expect(error).toBeInstanceOf(SchemaConversionError);
    expect(error).toMatchObject({ code: "schema_conversion_failed", vendor: "zod" });
    expect((error as Error).message).toMatch(/zod could not convert.*Date/);
  });
});

describe("valibot", () => {
  const schema = v.object({ company: v.string(), year: v.optional(v.pipe(v.number(), v.integer())) });

  it("asks for a converter when the schema cannot describe itself", () => {
    const error = catchError(() => compileSchema(schema));
    expect(error).toBeInstanceOf(SchemaConversionError);
    expect(error).toMatchObject({ code: "schema_conversion_failed", vendor: "valibot" });
    expect((error as Error).message).toContain("@valibot/to-json-schema");
  });

  it("converts with toStandardJsonSchema() and validates with valibot", async () => {
    const compiled = compileSchema(toStandardJsonSchema(schema));
    expect(compiled.jsonSchema).toMatchObject(expectedObjectSchema);
    expect(await compiled.validate({ company: "Baidu", year: 2024 })).toEqual({
      ok: true,
      value: { company: "Baidu", year: 2024 },
    });
    const bad = await compiled.validate({ year: 1.5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.path).sort()).toEqual(["/company", "/year"]);
  });

  it("converts with a converter passed in", async () => {
    const compiled = compileSchema(schema, { converter: (s) => valibotToJsonSchema(s as v.GenericSchema) });
    expect(compiled.jsonSchema).toMatchObject(expectedObjectSchema);
    expect((await compiled.validate({ company: 3 })).ok).toBe(false);
  });
});

describe("arktype", () => {
  it("converts and validates", async () => {
    const compiled = compileSchema(type({ company: "string", "year?": "number.integer" }));
    expect(compiled.jsonSchema).toMatchObject(expectedObjectSchema);
    expect(await compiled.validate({ company: "Baidu" })).toEqual({ ok: true, value: { company: "Baidu" } });
    const bad = await compiled.validate({ company: "Baidu", year: "2024" });
    expect(bad).toEqual({
      ok: false,
      issues: [{ path: "/year", message: expect.stringContaining("number") }],
    });
  });
});

describe("other Standard Schemas", () => {
  const asyncSchema: StandardSchemaV1<unknown, { n: number }> = {
    "~standard": {
      version: 1,
      vendor: "handmade",
      validate: async (value) =>
        typeof (value as { n?: unknown })?.n === "number"
          ? { value: value as { n: number } }
          : { issues: [{ message: "n must be a number", path: [{ key: "n" }, 0, "x/y"] }] },
    },
  };

  it("passes a converter's output through and awaits an async validate", async () => {
    const compiled = compileSchema(asyncSchema, {
      converter: () => ({ type: "object", properties: { n: { type: "number" } } }),
    });
    const result = compiled.validate({ n: "x" });
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toEqual({
      ok: false,
      issues: [{ path: "/n/0/x~1y", message: "n must be a number" }],
    });
    expect(await compiled.validate({ n: 1 })).toEqual({ ok: true, value: { n: 1 } });
  });

  it("says what to do when there is no converter", () => {
    const error = catchError(() => compileSchema(asyncSchema));
    expect(error).toMatchObject({ code: "schema_conversion_failed", vendor: "handmade" });
    expect((error as Error).message).toContain("Pass a converter");
  });

  it("wraps a converter that throws", () => {
    const error = catchError(() =>
      compileSchema(asyncSchema, {
        converter: () => {
          throw new Error("boom");
        },
      }),
    );
    expect(error).toBeInstanceOf(SchemaConversionError);
    expect((error as SchemaConversionError).cause).toBeInstanceOf(Error);
  });
});

describe("plain JSON Schema", () => {
  const jsonSchema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      company: { type: "string" },
      year: { type: "integer", minimum: 2000 },
      region: { enum: ["cn", "us"] },
      tags: { type: "array", items: { type: "string" } },
    },
    required: ["company"],
    additionalProperties: false,
  };

  it("keeps the schema (minus $schema) and never mutates the caller's object", () => {
    const before = structuredClone(jsonSchema);
    const compiled = compileSchema(jsonSchema);
    compiled.validate({ company: "x", tags: [1] });
    expect(jsonSchema).toEqual(before);
    const { $schema: _, ...rest } = before;
    expect(compiled.jsonSchema).toEqual(rest);
  });

  it("validates synchronously with short, actionable issues", () => {
    const compiled = compileSchema(jsonSchema);
    expect(compiled.validate({ company: "Baidu", year: 2024 })).toEqual({
      ok: true,
      value: { company: "Baidu", year: 2024 },
    });
    const result = validateSync(compiled, { year: 1999.5, region: "eu", tags: ["a", 2], extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: "", message: 'missing required property "company"' },
      { path: "/year", message: "expected integer, got number" },
      { path: "/year", message: expect.stringContaining("2000") },
      { path: "/region", message: 'expected one of "cn", "us"' },
      { path: "/tags/1", message: "expected string, got number" },
      { path: "", message: 'property "extra" is not allowed' },
    ]);
    const text = formatIssues(result.issues);
    expect(text).toContain('(root): missing required property "company"');
    expect(text).toContain("/tags/1: expected string, got number");
  });

  it("follows local $refs and accepts referenced documents", () => {
    const compiled = compileSchema(
      {
        type: "object",
        properties: { a: { $ref: "#/$defs/positive" }, b: { $ref: "https://example.test/name.json" } },
        $defs: { positive: { type: "number", exclusiveMinimum: 0 } },
      },
      { references: { "https://example.test/name.json": { type: "string", minLength: 2 } } },
    );
    expect(validateSync(compiled, { a: 1, b: "ok" }).ok).toBe(true);
    expect(validateSync(compiled, { a: 0 }).ok).toBe(false);
    expect(validateSync(compiled, { b: "x" }).ok).toBe(false);
  });

  it("rejects a schema that is not an object", () => {
    expect(() => compileSchema([] as never)).toThrow(SchemaConversionError);
  });
});

describe("tool input schemas", () => {
  it("fills in type object and properties, and refuses non-object roots", () => {
    expect(compileToolInputSchema({}).jsonSchema).toEqual({ type: "object", properties: {} });
    expect(compileToolInputSchema(z.object({})).jsonSchema).toMatchObject({ type: "object", properties: {} });
    expect(() => compileToolInputSchema({ type: "string" })).toThrow(/must describe an object/);
    expect(() => compileToolInputSchema(z.string())).toThrow(SchemaConversionError);
  });
});

describe("SchemaValidationError", () => {
  it("carries the issues and a readable message", () => {
    const error = new SchemaValidationError([{ path: "/a", message: "expected string, got number" }]);
    expect(error.code).toBe("schema_validation_failed");
    expect(error.message).toContain("/a: expected string, got number");
  });
});

/** The JSON Schema path validates synchronously. */
const validateSync = (compiled: CompiledSchema, value: unknown) =>
  compiled.validate(value) as ValidationResult<unknown>;

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
