import { createServer } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dashscopeEmbeddings } from "../../src/embeddings/dashscope-embeddings.ts";
import { openaiCompatibleEmbeddings } from "../../src/embeddings/openai-compatible-embeddings.ts";
import { hashedVector } from "../../src/testing/hashed-embedder.ts";
import {
  type MockEmbeddingsServer,
  startMockEmbeddingsServer,
} from "../../src/testing/mock-embeddings-server.ts";
import { openAISpecValidator } from "../openai-spec.ts";

let validate: (schema: string, value: unknown) => void;
beforeAll(() => {
  validate = openAISpecValidator();
});

let server: MockEmbeddingsServer;
beforeEach(async () => {
  server = await startMockEmbeddingsServer({ defaultDimensions: 16, maxBatch: 10 });
});
afterEach(async () => {
  await server.close();
});

const texts = (n: number) => Array.from({ length: n }, (_, i) => `memory text number ${i}`);

describe("the mock embeddings server (test double) speaks the OpenAI wire format", () => {
  it("answers with a body valid against CreateEmbeddingResponse", async () => {
    const response = await fetch(`${server.url}/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: ["a", "b"], dimensions: 8 }),
    });
    const body = await response.json();
    validate("CreateEmbeddingResponse", body);
    expect(body.data.map((d: { embedding: number[] }) => d.embedding.length)).toEqual([8, 8]);
  });
});

describe("openaiCompatibleEmbeddings", () => {
  it("embeds in order, in batches, with spec-valid requests", async () => {
    const model = openaiCompatibleEmbeddings({
      baseURL: server.url,
      model: "bge-m3",
      dimensions: 16,
      batchSize: 3,
      apiKey: "sk-test",
    });
    expect(model).toMatchObject({ id: "bge-m3", provider: "openai-compatible", dimensions: 16 });
    const input = texts(7);
    const vectors = await model.embed(input);
    expect(vectors).toEqual(input.map((t) => hashedVector(t, 16)));
    expect(server.requests.map((r) => r.body.input.length)).toEqual([3, 3, 1]);
    for (const request of server.requests) {
      validate("CreateEmbeddingRequest", request.body);
      expect(request.path).toBe("/v1/embeddings");
      expect(request.headers.authorization).toBe("Bearer sk-test");
      expect(request.body).toMatchObject({ model: "bge-m3", encoding_format: "float" });
      expect(request.body.dimensions).toBeUndefined();
    }
  });

  it("sends `dimensions` when asked and checks the size of what comes back", async () => {
    const asking = openaiCompatibleEmbeddings({
      baseURL: server.url,
      model: "m",
      dimensions: 32,
      sendDimensions: true,
    });
    expect((await asking.embed(["x"]))[0]).toHaveLength(32);
    expect(server.requests[0]!.body.dimensions).toBe(32);
    const wrong = openaiCompatibleEmbeddings({ baseURL: server.url, model: "m", dimensions: 32 });
    await expect(wrong.embed(["x"])).rejects.toMatchObject({ code: "model_invalid_response" });
  });

  it("maps HTTP failures to typed model errors", async () => {
    const model = openaiCompatibleEmbeddings({ baseURL: server.url, model: "m", dimensions: 16 });
    server.failNext({ status: 429, headers: { "retry-after": "2" } });
    await expect(model.embed(["x"])).rejects.toMatchObject({
      code: "model_rate_limited",
      retryable: true,
      retryAfterMs: 2000,
      status: 429,
    });
    server.failNext({
      status: 401,
      body: { error: { message: "Incorrect API key", code: "invalid_api_key" } },
    });
    await expect(model.embed(["x"])).rejects.toMatchObject({
      code: "model_auth",
      providerCode: "invalid_api_key",
    });
    server.failNext({ status: 503 });
    await expect(model.embed(["x"])).rejects.toMatchObject({ code: "model_server_error", retryable: true });
    server.failNext({ status: 400 });
    await expect(model.embed(["x"])).rejects.toMatchObject({ code: "model_bad_request", retryable: false });
  });

  it("rejects malformed responses", async () => {
    const model = openaiCompatibleEmbeddings({ baseURL: server.url, model: "m", dimensions: 2 });
    const malformed = [
      { object: "list" },
      { data: [{ index: 0, embedding: "AAAA" }] },
      { data: [{ index: 1, embedding: [0, 1] }] },
      {
        data: [
          { index: 0, embedding: [0, 1] },
          { index: 0, embedding: [1, 0] },
        ],
      },
    ];
    for (const body of malformed) {
      server.failNext({ type: "json", body });
      await expect(model.embed(body.data?.length === 2 ? ["a", "b"] : ["a"])).rejects.toMatchObject({
        code: "model_invalid_response",
      });
    }
  });

  it("times out on a stalled server, honours abort, and reports a refused connection", async () => {
    const model = openaiCompatibleEmbeddings({
      baseURL: server.url,
      model: "m",
      dimensions: 16,
      timeoutMs: 200,
    });
    server.failNext({ type: "stall" });
    await expect(model.embed(["x"])).rejects.toMatchObject({ code: "model_timeout" });

    const controller = new AbortController();
    server.failNext({ type: "stall" });
    const pending = model.embed(["x"], controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const refused = openaiCompatibleEmbeddings({
      baseURL: `http://127.0.0.1:${port}/v1`,
      model: "m",
      dimensions: 16,
    });
    await expect(refused.embed(["x"])).rejects.toMatchObject({ code: "model_network_error" });
  });
});

describe("dashscopeEmbeddings", () => {
  it("defaults to text-embedding-v4 at 1024 dimensions, batches of 10, on the compatible-mode path", async () => {
    const model = dashscopeEmbeddings({ baseURL: server.dashscopeURL, apiKey: "sk-ds" });
    expect(model).toMatchObject({ id: "text-embedding-v4", provider: "dashscope", dimensions: 1024 });
    const vectors = await model.embed(texts(23));
    expect(vectors).toHaveLength(23);
    expect(vectors[22]).toEqual(hashedVector("memory text number 22", 1024));
    expect(server.requests.map((r) => r.body.input.length)).toEqual([10, 10, 3]);
    for (const request of server.requests) {
      validate("CreateEmbeddingRequest", request.body);
      expect(request.path).toBe("/compatible-mode/v1/embeddings");
      expect(request.body).toMatchObject({
        model: "text-embedding-v4",
        dimensions: 1024,
        encoding_format: "float",
      });
      expect(request.headers.authorization).toBe("Bearer sk-ds");
    }
  });

  it("knows each model's sizes: v4 down to 64, v3 up to 1024, v2 fixed at 1536 (not sent)", async () => {
    const small = dashscopeEmbeddings({ baseURL: server.dashscopeURL, apiKey: "k", dimensions: 64 });
    expect((await small.embed(["x"]))[0]).toHaveLength(64);
    expect(() => dashscopeEmbeddings({ model: "text-embedding-v3", dimensions: 2048, apiKey: "k" })).toThrow(
      expect.objectContaining({ code: "invalid_embedding_dimensions" }),
    );
    expect(() => dashscopeEmbeddings({ dimensions: 1000, apiKey: "k" })).toThrow(
      expect.objectContaining({ code: "invalid_embedding_dimensions" }),
    );
    const v2Server = await startMockEmbeddingsServer({ defaultDimensions: 1536, maxBatch: 25 });
    try {
      const v2 = dashscopeEmbeddings({
        model: "text-embedding-v2",
        baseURL: v2Server.dashscopeURL,
        apiKey: "k",
      });
      expect(v2.dimensions).toBe(1536);
      await v2.embed(texts(30));
      expect(v2Server.requests.map((r) => r.body.input.length)).toEqual([25, 5]);
      expect(v2Server.requests[0]!.body.dimensions).toBeUndefined();
    } finally {
      await v2Server.close();
    }
  });

  it("says which variable to set when no API key is configured", async () => {
    const saved = process.env.DASHSCOPE_API_KEY;
    delete process.env.DASHSCOPE_API_KEY;
    try {
      const model = dashscopeEmbeddings({ baseURL: server.dashscopeURL });
      await expect(model.embed(["x"])).rejects.toMatchObject({ code: "model_not_configured" });
      expect(server.requests).toHaveLength(0);
    } finally {
      if (saved !== undefined) process.env.DASHSCOPE_API_KEY = saved;
    }
  });
});
