const numbers = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

export const formatCount = (n: number): string => numbers.format(n);
export const formatCompact = (n: number): string => compact.format(n);

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Costs are small: show enough digits to tell runs apart. */
export function formatCost(amount: number, currency: string): string {
  const digits = amount !== 0 && amount < 0.01 ? 4 : 2;
  return new Intl.NumberFormat("en", {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount);
}

export const formatCosts = (cost: Record<string, number>): string =>
  Object.entries(cost)
    .map(([currency, amount]) => formatCost(amount, currency))
    .join(" + ") || "—";

export function formatTime(iso: string | number): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export const shortId = (id: string): string => (id.length > 16 ? `${id.slice(0, 12)}…${id.slice(-4)}` : id);
