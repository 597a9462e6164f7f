import { z } from "zod";
import { messageSchema } from "../body.ts";
import { OPENAI_PATHS } from "../routes/openai.ts";
import { memoryOperations } from "./memory-operations.ts";
import { observabilityOperations } from "./observability-operations.ts";
import { type OperationSpec, operations, requestSchemas, responseSchemas } from "./operations.ts";

type JsonSchema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * JSON Schemas (draft 2020-12) of named zod schemas; a schema used inside another becomes a `$ref`. Requests are
 * described as they are accepted (`io: "input"`), responses as they are sent.
 */
function toComponents(named: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  // `$id` of the form `#/...` is not a valid 2020-12 id, and `$schema` is implied by OpenAPI 3.1.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, $schema: _schema, ...rest }]) => [id, rest]),
  );
}

/** Named schema of a zod schema the components hold, else its inline JSON Schema. */
function schemaFor(schema: z.ZodType, names: Map<z.ZodType, string>, io: "input" | "output"): JsonSchema {
  const name = names.get(schema);
  if (name) return ref(name);
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  });
  return rest;
}

function parameters(op: OperationSpec) {
  const params: JsonSchema[] = [];
  for (const match of op.path.matchAll(/\{(\w+)\}/g))
    params.push({ name: match[1], in: "path", required: true, schema: { type: "string" } });
  if (op.query) {
    const json = z.toJSONSchema(op.query, { target: "draft-2020-12", io: "input" }) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(json.properties ?? {}))
      params.push({ name, in: "query", required: json.required?.includes(name) ?? false, schema });
  }
  for (const header of op.headers ?? [])
    params.push({
      name: header.name,
      in: "header",
      description: header.description,
      schema: { type: "string" },
    });
  return params;
}

/** Builds the OpenAPI 3.1 document of every route from the zod schemas the routes validate with. */
export function openApiDocument(): Record<string, unknown> {
  const requestNames = new Map<z.ZodType, string>([[messageSchema, "Message"]]);
  for (const [name, schema] of Object.entries(requestSchemas)) requestNames.set(schema, name);
  const responseNames = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries(responseSchemas)) responseNames.set(schema, name);
  const schemas = {
    ...toComponents({ Message: messageSchema, ...requestSchemas }, "input"),
    ...toComponents(responseSchemas, "output"),
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of [...operations, ...memoryOperations, ...observabilityOperations]) {
    const openAI = OPENAI_PATHS.has(op.path);
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(op.responses)) {
      const content: Record<string, unknown> = {};
      if (spec.json) content["application/json"] = { schema: schemaFor(spec.json, responseNames, "output") };
      if (spec.sse)
        content["text/event-stream"] = {
          schema: {
            type: "string",
            description: "Server-sent events; `: keep-alive` comment lines every ~15 s",
          },
        };
      if (spec.text) content["text/plain"] = { schema: { type: "string" } };
      if (op.operationId === "getOpenApiDocument")
        content["application/json"] = { schema: { type: "object" } };
      responses[status] = Object.keys(content).length > 0 ? { description: spec.description, content } : spec;
    }
    for (const status of op.errors)
      responses[String(status)] = { $ref: `#/components/responses/${openAI ? "OpenAIError" : "Problem"}` };
    const operation: Record<string, unknown> = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      parameters: parameters(op),
      responses,
    };
    if (op.public) operation.security = [];
    if (op.body)
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaFor(op.body, requestNames, "input") } },
      };
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operation;
  }

  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Skein runtime API",
      version: "0.1.0",
      description:
        "Agents as a service: sessions, durable runs, SSE streams, the AgentCore Runtime contract and an " +
        "OpenAI-compatible endpoint, and long-term memory under /v1/memory. Errors are application/problem+json (RFC 9457) with a stable `code`, " +
        "except on the OpenAI paths, which use OpenAI's error envelope.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    tags: [
      "Agents",
      "Sessions",
      "Invocations",
      "Runs",
      "AgentCore",
      "OpenAI",
      "Memory",
      "Observability",
      "Meta",
    ].map((name) => ({ name })),
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key from `skein keys create --tenant T` (sk-skein-...); dev mode needs none",
        },
      },
      responses: {
        Problem: {
          description: "Problem details with a stable `code`",
          content: { "application/problem+json": { schema: ref("Problem") } },
        },
        OpenAIError: {
          description: "OpenAI's error envelope; `code` is Skein's stable code",
          content: { "application/json": { schema: ref("OpenAIError") } },
        },
      },
    },
  };
}
