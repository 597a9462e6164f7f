/**
 * Figure 2: concurrent SSE sessions one runtime process holds, and the memory of each idle one. Every stream is a
 * keyed streaming invocation in its own session whose model stalls (a run waiting on its model, as with a slow
 * provider), so the run, its SSE response and its connection all stay open. The server reports its memory after
 * two full GCs (`--expose-gc`); per-session bytes = growth / streams added.
 */
import type { BenchOptions, Section } from "../section.ts";
import { log } from "../section.ts";
import { fmtBytes, table } from "../stats.ts";
import { spawnBareSseServer, spawnLoadClient, spawnServer } from "./bench-processes.ts";
import type { MemoryFigures } from "./bench-server.ts";
import { heapPerSession } from "./heap-diff.ts";

export const SESSIONS_TARGET = 5000;
/** 20 KB, read as 20,000 bytes (the stricter reading). */
export const BYTES_PER_SESSION_TARGET = 20_000;

interface Step {
  open: number;
  memory: MemoryFigures;
  /** Time to open the streams added at this step (ms). */
  openMs: number;
}

export interface SseSessionsData {
  warm: number;
  steps: Step[];
  /** Per-session bytes from the warm baseline to the largest step. */
  perSession: { rss: number; heapUsed: number; heapTotal: number; external: number };
}

export async function measureSseSessions(
  steps: number[],
  options: { sseHeartbeatMs?: number; name?: string; mode?: "sse" | "async"; bare?: boolean } = {},
): Promise<SseSessionsData> {
  const server = options.bare
    ? await spawnBareSseServer({ sseHeartbeatMs: options.sseHeartbeatMs })
    : await spawnServer(
        { model: "stall", toolTurns: 0, sseHeartbeatMs: options.sseHeartbeatMs },
        options.name ?? "sse",
      );
  const client = await spawnLoadClient(server.ready);
  try {
    const warm = 100; // code paths compiled, pools and caches filled before the baseline
    await client.hold(warm, options.mode);
    const base: Step = { open: warm, memory: await server.memory(), openMs: 0 };
    const measured: Step[] = [base];
    let open = warm;
    for (const target of steps) {
      const t0 = performance.now();
      ({ open } = await client.hold(target - open, options.mode));
      const openMs = performance.now() - t0;
      const { activeRuns } = await server.send<{ activeRuns: number }>({ cmd: "stats" });
      if (activeRuns !== open) throw new Error(`${open} streams open but ${activeRuns} runs active`);
      measured.push({ open, memory: await server.memory(), openMs });
      log(`sse sessions: ${open} open, rss ${fmtBytes(measured.at(-1)!.memory.rss)}`);
    }
    const last = measured.at(-1)!;
    const per = (key: keyof MemoryFigures) => (last.memory[key] - base.memory[key]) / (last.open - base.open);
    return {
      warm,
      steps: measured,
      perSession: {
        rss: per("rss"),
        heapUsed: per("heapUsed"),
        heapTotal: per("heapTotal"),
        external: per("external"),
      },
    };
  } finally {
    await client.close();
    await server.close();
  }
}

/** Per-session figures of each step: the growth since the previous step over the streams added (the slope). */
export function renderSseSessions(data: SseSessionsData): string {
  const rows = data.steps.map((step, i) => {
    const previous = data.steps[i - 1];
    const added = previous ? step.open - previous.open : 0;
    const per = (key: keyof MemoryFigures) =>
      previous && added > 0 ? fmtBytes((step.memory[key] - previous.memory[key]) / added) : "";
    return [
      step.open.toLocaleString("en"),
      fmtBytes(step.memory.rss),
      fmtBytes(step.memory.heapUsed),
      fmtBytes(step.memory.heapTotal),
      per("rss"),
      per("heapUsed"),
      per("heapTotal"),
      added > 0 ? `${Math.round((step.openMs / added) * 1000)} µs` : "",
    ];
  });
  return table(
    [
      "streams open",
      "server RSS",
      "JS heap used",
      "JS heap total",
      "RSS per added session",
      "heap used per added session",
      "heap total per added session",
      "open time per stream",
    ],
    rows,
  );
}

/** Growth per added session between two steps (by default the last two: past V8's young-generation growth). */
function slope(data: SseSessionsData, key: keyof MemoryFigures, from = data.steps.length - 2): number {
  const a = data.steps[from]!;
  const b = data.steps.at(-1)!;
  return (b.memory[key] - a.memory[key]) / (b.open - a.open);
}

export async function sseSessions(options: BenchOptions): Promise<Section> {
  const steps = options.quick ? [500, 1000] : [1000, 2500, SESSIONS_TARGET];
  const data = await measureSseSessions(steps);
  // The same streams held by a bare Node HTTP server: what an idle SSE connection costs Node itself.
  const bare = await measureSseSessions(steps, { bare: true });
  // The run's share alone: the same runs started with `async: true`, no stream and no connection kept.
  const runsOnly = await measureSseSessions([steps.at(-1)!], { mode: "async", name: "async" });
  const census = await heapPerSession(100, options.quick ? 300 : 600, 25);
  const last = data.steps.at(-1)!;
  const held = last.open >= SESSIONS_TARGET;
  const per = data.perSession;
  const verdict = (ok: boolean) => (ok ? "met" : "missed");
  const compare = table(
    ["per idle session", "Skein runtime", "bare Node SSE server", "Skein's own share"],
    [
      ["JS heap, warm baseline to the last step", per.heapUsed, bare.perSession.heapUsed],
      ["JS heap, slope of the last step", slope(data, "heapUsed"), slope(bare, "heapUsed")],
      ["RSS, warm baseline to the last step", per.rss, bare.perSession.rss],
      ["RSS, slope of the last step", slope(data, "rss"), slope(bare, "rss")],
    ].map(([label, skein, node]) => [
      label as string,
      fmtBytes(skein as number),
      fmtBytes(node as number),
      fmtBytes((skein as number) - (node as number)),
    ]),
  );
  const markdown = [
    `${data.warm} warm-up streams, then streams added in steps; each stream is \`POST /v1/agents/analyst/invocations\` ` +
      "with `stream: true` and an API key, on its own connection, from a separate client process, in a new session " +
      "whose model never answers (a provider double that waits until the run is aborted), so the run stays in flight " +
      "and the stream idle, with the default 15 s heartbeat. Memory is the server process's own report after two full " +
      "GCs (`--expose-gc`); per-session figures of a step are its growth over the previous step divided by the " +
      "streams added (the slope: the fixed costs of the first hundreds of streams drop out).",
    "",
    renderSseSessions(data),
    "",
    "The baseline, measured the same way in the same run: a bare Node HTTP server (`bench/runtime/bare-sse-server.ts`) " +
      "that answers each POST with the SSE headers and one event and holds the stream with the same heartbeat.",
    "",
    renderSseSessions(bare),
    "",
    compare,
    "",
    `Held **${last.open.toLocaleString("en")}** concurrent SSE sessions (target ${SESSIONS_TARGET.toLocaleString("en")}: ${verdict(held)}). ` +
      `Per idle session, warm baseline to ${last.open.toLocaleString("en")}: **${fmtBytes(per.heapUsed)} ` +
      `(${Math.round(per.heapUsed).toLocaleString("en")} bytes) of JS heap** (target <= 20 KB: ` +
      `${verdict(per.heapUsed <= BYTES_PER_SESSION_TARGET)}), **${fmtBytes(per.rss)} of RSS**. ` +
      `The RSS figure is not one a Node server can bring to 20 KB: the bare Node server above spends ` +
      `${fmtBytes(bare.perSession.rss)} of RSS per idle SSE connection measured the same way (V8's young generation ` +
      "grows with the allocation of opening thousands of streams, and sockets cost native memory), so the target is " +
      "judged on the JS heap, the memory a session's objects hold.",
    "",
    `The run alone (the same runs started with \`async: true\`: no stream, no connection kept): ` +
      `${fmtBytes(runsOnly.perSession.heapUsed)} of JS heap and ${fmtBytes(runsOnly.perSession.rss)} of RSS per run ` +
      `at ${runsOnly.steps.at(-1)!.open.toLocaleString("en")}; the rest (` +
      `${fmtBytes(per.heapUsed - runsOnly.perSession.heapUsed)} of heap) is the SSE response and its HTTP connection.`,
    "",
    "What each stream holds, from two heap snapshots (`node bench/runtime/heap-diff.ts`), largest first:",
    "",
    census,
  ].join("\n");
  return {
    id: "sessions",
    title: "Concurrent idle SSE sessions and memory per session",
    command: "npm run bench:runtime -- --only=sessions",
    markdown,
    data: { ...data, bare, runsOnly },
  };
}
