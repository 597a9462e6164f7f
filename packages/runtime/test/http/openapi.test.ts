import { scriptedModel } from "@skein/core/testing";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeAgent, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer;
let doc: any;
beforeEach(async () => {
  t = await startTestServer([makeAgent("echo", scriptedModel([{ text: "documented" }]))]);
  const response = await t.call("/v1/openapi.json", { key: null });
  expect(response.status).toBe(200);
  doc = await response.json();
});
afterEach(() => t.close());

const methods = ["get", "post", "put", "patch", "delete"];
/** Every route but the console's pages (the catch-all GET). */
const isApiPath = (path: string) => path !== "*" && path !== "/*";

/** Every JSON Schema in the document: components, parameters, request and response bodies. */
function* schemasOf(document: any): Generator<[string, unknown]> {
  for (const [name, schema] of Object.entries(document.components.schemas)) yield [name, schema];
  for (const [path, item] of Object.entries<any>(document.paths))
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      for (const p of op.parameters ?? []) yield [`${method} ${path} ${p.name}`, p.schema];
      for (const media of Object.values<any>(op.requestBody?.content ?? {}))
        yield [`${method} ${path} body`, media.schema];
      for (const [status, response] of Object.entries<any>(op.responses))
        for (const media of Object.values<any>(response.content ?? {}))
          yield [`${method} ${path} ${status}`, media.schema];
    }
}

function* refsOf(node: unknown): Generator<string> {
  if (Array.isArray(node)) for (const item of node) yield* refsOf(item);
  else if (typeof node === "object" && node !== null)
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") yield value;
      else yield* refsOf(value);
    }
}

describe("GET /v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document covering every route the app serves, without a key", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const served = new Set(
      t.server.handle.app.routes
        .filter((r) => r.method !== "ALL" && isApiPath(r.path))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(
      Object.entries<any>(doc.paths).flatMap(([path, item]) =>
        methods.filter((m) => item[m]).map((m) => `${m} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    for (const expected of [
      "post /v1/agents/{agent}/invocations",
      "post /invocations",
      "get /ping",
      "post /v1/chat/completions",
      "get /v1/models",
    ])
      expect(documented).toContain(expected);
  });

  it("is structurally valid: unique operation ids, declared path parameters, responses, resolvable $refs", () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path.startsWith("/")).toBe(true);
      for (const method of methods) {
        const op = item[method];
        if (!op) continue;
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const status of Object.keys(op.responses)) expect(status).toMatch(/^[1-5]\d\d$|^default$/);
        expect(op.tags.every((tag: string) => doc.tags.some((t: any) => t.name === tag))).toBe(true);
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = op.parameters.filter((p: any) => p.in === "path").map((p: any) => p.name);
        expect(declared).toEqual(pathParams);
        for (const p of op.parameters) {
          expect(["path", "query", "header", "cookie"]).toContain(p.in);
          if (p.in === "path") expect(p.required).toBe(true);
        }
        // Every error is problem+json, except on the OpenAI paths (OpenAI's envelope).
        const errorRef = path.startsWith("/v1/chat") || path === "/v1/models" ? "OpenAIError" : "Problem";
        for (const [status, response] of Object.entries<any>(op.responses))
          if (Number(status) >= 400) expect(response.$ref).toBe(`#/components/responses/${errorRef}`);
      }
    }
    for (const ref of refsOf(doc)) {
      expect(ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split("/")
        .reduce((node: any, key) => node?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    expect(doc.components.responses.Problem.content["application/problem+json"].schema).toEqual({
      $ref: "#/components/schemas/Problem",
    });
  });

  it("holds only JSON Schemas valid per the 2020-12 meta-schema", () => {
    const ajv = new Ajv2020({ strict: false });
    let count = 0;
    for (const [where, schema] of schemasOf(doc)) {
      count++;
      if (!ajv.validateSchema(schema as object)) throw new Error(`${where}: ${ajv.errorsText(ajv.errors)}`);
    }
    expect(count).toBeGreaterThan(30);
  });

  it("describes what the server really sends and accepts", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }); // the date-time patterns stay checked
    ajv.addSchema({ $id: "https://skein.test/openapi.json", components: doc.components });
    const check = (name: string, value: unknown) => {
      const validate = ajv.getSchema(`https://skein.test/openapi.json#/components/schemas/${name}`)!;
      if (!validate(value)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}`);
    };
    const body = { input: "hi" };
    check("InvocationRequest", body);
    const run = await (await t.call("/v1/agents/echo/invocations", { method: "POST", json: body })).json();
    check("Run", run);
    check("Run", await (await t.call(`/v1/runs/${run.id}`)).json());
    check("SessionWithUsage", await (await t.call(`/v1/sessions/${run.sessionId}`)).json());
    check("SessionList", await (await t.call("/v1/sessions")).json());
    check("SessionEventList", await (await t.call(`/v1/sessions/${run.sessionId}/events`)).json());
    check("AgentList", await (await t.call("/v1/agents")).json());
    check("OpenAIModelList", await (await t.call("/v1/models")).json());
    check("Ping", await (await t.call("/ping", { key: null })).json());
    check("Problem", await (await t.call("/v1/runs/run_missing")).json());
    check("Problem", await (await t.call("/v1/agents", { key: null })).json());
    expect(() => check("InvocationRequest", { input: "hi", bogus: 1 })).toThrow(/additional/);
  });
});
