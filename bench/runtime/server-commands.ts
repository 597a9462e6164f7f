// What the benchmark server processes answer on their command channel (see child-process.ts).

/** A benchmark server's memory, as its own process sees it. */
export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** This process's memory after two full GCs (the process must run with --expose-gc). */
export function memoryAfterFullGc(): MemoryFigures {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the benchmark server with --expose-gc");
  gc();
  gc();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

/** The commands both benchmark servers answer: mem (after two full GCs), cpu, stats (`activeRuns`: runs or streams). */
export function serverCommand(cmd: unknown, activeRuns: () => number): unknown {
  switch (cmd) {
    case "mem":
      return memoryAfterFullGc();
    case "cpu":
      return process.cpuUsage();
    case "stats":
      return { activeRuns: activeRuns() };
    default:
      throw new Error(`unknown command ${String(cmd)}`);
  }
}
