/** An SVG chart of the main side-by-side figures: one panel per figure, one bar per framework, ratio to baseline. */
import type { PeerFigures } from "./peer-compare.ts";

interface Panel {
  title: string;
  /** The value per framework; the label on each bar is `format(value)`. */
  value: (f: PeerFigures) => number | undefined;
  format: (v: number) => string;
}

const STEPS = 3;

const panels: Panel[] = [
  {
    title: "Per-step overhead: wall time per step (lower is better)",
    value: (f) => (f.step ? f.step.perRun.median / STEPS : undefined),
    format: (v) => `${(v * 1000).toFixed(0)} µs`,
  },
  {
    title: "Streaming: time per chunk (lower is better)",
    value: (f) => (f.stream ? f.stream.total.median / f.stream.chunks : undefined),
    format: (v) => `${(v * 1000).toFixed(1)} µs`,
  },
  {
    title: "Cold start: import + first run (lower is better)",
    value: (f) => (f.cold ? f.cold.importMs.median + f.cold.firstRunMs.median : undefined),
    format: (v) => `${v.toFixed(0)} ms`,
  },
  {
    title: "Heap after the memory runs (lower is better)",
    value: (f) => (f.memory ? f.memory.heapUsed / 2 ** 20 : undefined),
    format: (v) => `${v.toFixed(1)} MiB`,
  },
  {
    title: "Throughput at concurrency 10 (higher is better)",
    value: (f) => f.throughput[10]?.runsPerSec,
    format: (v) => `${v.toFixed(0)} runs/s`,
  },
  {
    title: "One-agent bundle, minified (lower is better)",
    value: (f) => (f.bundle.bytes !== undefined ? f.bundle.bytes / 1024 : undefined),
    format: (v) => `${v.toFixed(0)} KiB`,
  },
];

const escapeXml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function chartSvg(all: PeerFigures[], subtitle: string): string {
  const width = 760;
  const labelWidth = 190;
  const barArea = width - labelWidth - 110;
  const rowHeight = 18;
  const panelHeight = 34 + all.length * rowHeight;
  const height = 50 + panels.length * panelHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    "<title>Skein and its peers: per-step overhead, streaming, cold start, memory, throughput, bundle size</title>",
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">Skein and its peers against a zero-latency mock model</text>`,
    `<text x="10" y="38" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  panels.forEach((panel, p) => {
    const top = 50 + p * panelHeight;
    parts.push(`<text x="10" y="${top + 16}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    const values = all.map((f) => panel.value(f));
    const max = Math.max(...values.filter((v): v is number => v !== undefined && Number.isFinite(v)), 0);
    all.forEach((f, i) => {
      const y = top + 26 + i * rowHeight;
      const v = values[i];
      const colour = f.id === "skein" ? "#d9480f" : f.id === "raw" ? "#868e96" : "#1c7ed6";
      parts.push(`<text x="${labelWidth - 8}" y="${y + 12}" text-anchor="end">${escapeXml(f.label)}</text>`);
      if (v === undefined || !Number.isFinite(v) || max === 0) {
        parts.push(`<text x="${labelWidth}" y="${y + 12}" fill="#999">n/a</text>`);
        return;
      }
      const w = Math.max(1, (v / max) * barArea);
      parts.push(
        `<rect x="${labelWidth}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 5}" fill="${colour}"/>`,
      );
      parts.push(
        `<text x="${(labelWidth + w + 5).toFixed(1)}" y="${y + 12}">${escapeXml(panel.format(v))}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("\n");
}
