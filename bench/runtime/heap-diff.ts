/**
 * What each idle SSE session holds: two heap snapshots of the runtime server (at `from` and `to` open streams);
 * the objects of the second that the first lacks (heap object ids are stable within a process), by owner, divided
 * by the streams added. The owner of an object is the first object with a telling constructor on its chain of
 * first retainers (plain objects, arrays, closures, contexts and promises are passed through): an approximation,
 * since an object shared by two owners is counted for one of them.
 *
 *   node bench/runtime/heap-diff.ts [from=100] [to=600]
 */
import { readFileSync, rmSync } from "node:fs";
import { fmtBytes, table } from "../stats.ts";
import { spawnLoadClient, spawnServer, tempDataDir } from "./bench-processes.ts";

interface HeapSnapshot {
  snapshot: {
    meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const load = (file: string) => JSON.parse(readFileSync(file, "utf8")) as HeapSnapshot;

function ids(heap: HeapSnapshot): Set<number> {
  const fields = heap.snapshot.meta.node_fields;
  const at = fields.indexOf("id");
  const result = new Set<number>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) result.add(heap.nodes[i + at]!);
  return result;
}

const generic =
  /^(array|string|concatenated string|sliced string|number|code|object shape|closure:.*|object:(Object|Array|Promise|system \/ Context)|hidden:.*)$/;

/** Bytes (self size) of the objects of `after` not in `before`, by owner. */
export function growthByOwner(before: HeapSnapshot, after: HeapSnapshot): Map<string, number> {
  const { node_fields: nf, edge_fields: ef, node_types, edge_types } = after.snapshot.meta;
  const [W, EW] = [nf.length, ef.length];
  const [iType, iName, iId, iSize, iEdges] = ["type", "name", "id", "self_size", "edge_count"].map((f) =>
    nf.indexOf(f),
  ) as [number, number, number, number, number];
  const [eType, eName, eTo] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const { nodes, edges, strings } = after;
  const count = nodes.length / W;
  const parent = new Int32Array(count).fill(-1);
  const parentEdge = new Int32Array(count).fill(-1);
  for (let node = 0, e = 0; node < count; node++) {
    for (let k = 0; k < nodes[node * W + iEdges]!; k++, e += EW) {
      const type = edge_types[0][edges[e + eType]!];
      if (type === "weak" || type === "shortcut") continue;
      const to = edges[e + eTo]! / W;
      if (parent[to] === -1) {
        parent[to] = node;
        parentEdge[to] = e;
      }
    }
  }
  const key = (node: number) => {
    const type = node_types[0][nodes[node * W + iType]!]!;
    const named = type === "object" || type === "closure" || type === "native" || type === "hidden";
    return named ? `${type}:${strings[nodes[node * W + iName]!]}` : type;
  };
  const edgeName = (node: number) => {
    const name = strings[edges[parentEdge[node]! + eName]!];
    return typeof name === "string" ? name : "[]";
  };
  const old = ids(before);
  const result = new Map<string, number>();
  for (let node = 0; node < count; node++) {
    if (old.has(nodes[node * W + iId]!)) continue;
    let owner = node;
    for (let hops = 0; hops < 16 && generic.test(key(owner)) && parent[owner]! >= 0; hops++)
      owner = parent[owner]!;
    let name = key(owner);
    // A collection says little; what holds it says more (e.g. the run manager's map of live runs).
    if ((name === "object:Map" || name === "object:Set") && parent[owner]! >= 0)
      name += ` (${edgeName(owner)} of ${key(parent[owner]!)})`;
    result.set(name, (result.get(name) ?? 0) + nodes[node * W + iSize]!);
  }
  return result;
}

export async function heapPerSession(from: number, to: number, top = 30): Promise<string> {
  const server = await spawnServer({ model: "stall", toolTurns: 0 }, "heap");
  const client = await spawnLoadClient(server.ready);
  const files = [tempDataDir("heap-a.heapsnapshot"), tempDataDir("heap-b.heapsnapshot")];
  try {
    await client.hold(from);
    await server.send({ cmd: "snapshot", file: files[0] });
    await client.hold(to - from);
    await server.send({ cmd: "snapshot", file: files[1] });
  } finally {
    await client.close();
    await server.close();
  }
  const growth = growthByOwner(load(files[0]!), load(files[1]!));
  for (const file of files) rmSync(file, { force: true });
  const sessions = to - from;
  const rows = [...growth].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0) / sessions;
  return [
    `New heap objects per session between ${from} and ${to} open streams: ${fmtBytes(total)} (self sizes), by owner:`,
    "",
    table(
      ["owner (first telling retainer)", "bytes per session"],
      rows.slice(0, top).map(([owner, bytes]) => [`\`${owner}\``, fmtBytes(Math.round(bytes / sessions))]),
    ),
  ].join("\n");
}

if (import.meta.main) {
  const [from = 100, to = 600] = process.argv.slice(2).map(Number);
  process.stdout.write(`${await heapPerSession(from, to)}\n`);
}
