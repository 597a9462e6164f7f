// Agent runs with memory off, with the memory plugin (retrieval before each model call), and with the plugin plus
// background extraction: does memory work stay off the run's critical path? Models are scripted (test doubles at
// the model boundary); the store is a real SQLite file with FTS5 and sqlite-vec.

import { loadavg } from "node:os";
import { join } from "node:path";
import { Agent, type Message, type Plugin, tool } from "@skein/core";
import { type ScriptStep, scriptedModel } from "@skein/core/testing";
import {
  actorNamespace,
  type ExtractionJob,
  kindNamespace,
  Memory,
  MemoryExtractor,
  memoryPlugin,
  type NewMemoryRecord,
  openSqliteMemoryStore,
  vectorIndexFor,
} from "@skein/memory";
import { hashedEmbedder, hashedVector } from "@skein/memory/testing";
import { queryFor, seededRandom, sentence, Vocabulary } from "./corpus.ts";

const TENANT = "bench";
const TURNS_PER_SESSION = 4;
const BLOCKS = 3;
const WARMUP = 10;

export interface AgentVariant {
  name: "off" | "memory (retrieval)" | "memory + background extraction";
  median: number;
  p90: number;
  p99: number;
  load: [number, number];
}

export interface AgentBenchResult {
  runs: number;
  turnsPerRun: number;
  turnsPerSession: number;
  storeSize: number;
  actors: number;
  variants: AgentVariant[];
  extraction: { jobs: number; succeeded: number; records: number; drainMs: number };
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const load1 = (): number => Number(loadavg()[0]!.toFixed(2));

const lookup = tool({
  name: "lookup",
  description: "Looks up a fact (bench tool, answers at once).",
  input: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
  run: (input: { q: string }) => ({ answer: `no news about ${input.q}` }),
});

/** Two model calls per run: a tool call, then the answer. */
const agentScript = (runs: number): ScriptStep[] =>
  Array.from({ length: runs }, (_, i) => [
    { toolCalls: [{ name: "lookup", arguments: { q: `topic ${i}` } }] },
    { text: `Here is what I found about topic ${i}: nothing new, but noted.` },
  ]).flat();

export async function runAgentBench(o: {
  runs: number;
  /** Records in the store before the runs, spread over `actors` actors (the plugin searches one actor's). */
  storeSize: number;
  actors: number;
  dir: string;
  log: (line: string) => void;
}): Promise<AgentBenchResult> {
  const embedder = hashedEmbedder({ dimensions: 128, id: "hashed-128" });
  const store = openSqliteMemoryStore({ path: join(o.dir, "agent.db"), vectors: vectorIndexFor(embedder) });
  const vocab = new Vocabulary(20_000, seededRandom(7));
  const random = seededRandom(99);
  const texts: string[] = [];
  for (let start = 0; start < o.storeSize; start += 1000) {
    const ops: { op: "create"; record: NewMemoryRecord; embedding: number[] }[] = [];
    for (let i = start; i < start + 1000; i++) {
      const text = sentence(vocab, random);
      texts.push(text);
      const namespace = kindNamespace(actorNamespace(TENANT, `a${i % o.actors}`), "fact");
      ops.push({
        op: "create",
        record: { namespace, kind: "fact", text },
        embedding: hashedVector(text, 128),
      });
    }
    await store.apply(TENANT, ops);
  }
  o.log(`agent bench: store of ${o.storeSize} records ready`);

  const perBlock = Math.ceil(o.runs / BLOCKS);
  // Extraction: one scripted answer per strategy call (4 per job), each proposing two new facts.
  const extractionSteps = Array.from({ length: 4 * perBlock * BLOCKS + 400 }, () => ({
    text: JSON.stringify({
      memories: [{ text: sentence(vocab, random) }, { text: sentence(vocab, random) }],
    }),
  }));
  const jobs: ExtractionJob[] = [];
  const extractor = new MemoryExtractor({
    memory: new Memory({ store, embedder }),
    model: scriptedModel(extractionSteps, { id: "scripted-extraction-double" }),
    everyTurns: 2,
    consolidation: "rule",
    onJob: (job) => {
      if (job.status === "succeeded" || job.status === "failed") jobs.push(job);
    },
  });
  const scope = {
    tenantId: TENANT,
    namespace: (ctx: { sessionId?: string }) =>
      actorNamespace(TENANT, `a${Number(ctx.sessionId?.split("-").pop()) % o.actors}`),
  };
  const warn = (message: string, data?: unknown) => o.log(`warn ${message} ${JSON.stringify(data)}`);
  const makePlugins = (name: AgentVariant["name"]): Plugin[] =>
    name === "off"
      ? []
      : [
          memoryPlugin({
            store,
            embedder,
            ...scope,
            extractor: name === "memory (retrieval)" ? undefined : extractor,
            logger: { debug() {}, info() {}, warn: warn, error: warn },
          }),
        ];

  const names: AgentVariant["name"][] = ["off", "memory (retrieval)", "memory + background extraction"];
  const samples = new Map<AgentVariant["name"], number[]>(names.map((n) => [n, []]));
  const loads = new Map<AgentVariant["name"], number[]>(names.map((n) => [n, []]));
  let drainMs = 0;
  let session = 0;
  for (let block = 0; block < BLOCKS; block++) {
    for (const name of names) {
      const plugins = makePlugins(name);
      const model = scriptedModel(agentScript(perBlock + WARMUP), { id: "scripted-agent-double" });
      const agent = new Agent({ name: "bench", model, tools: [lookup], plugins });
      loads.get(name)!.push(load1());
      let history: Message[] = [];
      for (let r = 0; r < perBlock + WARMUP; r++) {
        if (r % TURNS_PER_SESSION === 0) {
          session++;
          history = [];
        }
        const input = queryFor(texts[Math.floor(random() * texts.length)]!, vocab, random);
        const t0 = performance.now();
        const result = await agent.run(input, { sessionId: `s-${session}`, history });
        const dt = performance.now() - t0;
        history = result.messages;
        if (r >= WARMUP) samples.get(name)!.push(dt);
        // Between requests a server returns to the event loop; the plugin defers queueing extraction to it.
        await new Promise((resolve) => setImmediate(resolve));
      }
      loads.get(name)!.push(load1());
      const t0 = performance.now();
      await extractor.idle();
      drainMs += performance.now() - t0;
      o.log(`agent bench: block ${block} ${name} done`);
    }
  }
  await extractor.close();
  await store.close();

  return {
    runs: perBlock * BLOCKS,
    turnsPerRun: 2,
    turnsPerSession: TURNS_PER_SESSION,
    storeSize: o.storeSize,
    actors: o.actors,
    variants: names.map((name) => {
      const sorted = [...samples.get(name)!].sort((a, b) => a - b);
      const l = loads.get(name)!;
      return {
        name,
        median: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        p99: quantile(sorted, 0.99),
        load: [Math.min(...l), Math.max(...l)],
      };
    }),
    extraction: {
      jobs: jobs.length,
      succeeded: jobs.filter((j) => j.status === "succeeded").length,
      records: jobs.reduce((n, j) => n + (j.outcome?.created.length ?? 0), 0),
      drainMs,
    },
  };
}
