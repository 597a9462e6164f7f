import { midpoint, round, selectCompanies } from "./analysis.ts";
import type { Company, Dataset } from "./data.ts";

export const TABLE_FIELDS = [
  "name",
  "investment",
  "lowUsdBillions",
  "highUsdBillions",
  "midpointUsdBillions",
  "sharePercent",
  "flagshipAi",
  "globalExpansion",
  "keyChallenges",
  "notes",
] as const;

export type TableField = (typeof TABLE_FIELDS)[number];

const HEADERS: Record<TableField, string> = {
  name: "Company",
  investment: "AI investment 2023-2025",
  lowUsdBillions: "Low (USD B)",
  highUsdBillions: "High (USD B)",
  midpointUsdBillions: "Midpoint (USD B)",
  sharePercent: "Share of total (% of midpoints)",
  flagshipAi: "Flagship AI",
  globalExpansion: "Global expansion",
  keyChallenges: "Key challenges",
  notes: "Notes",
};

/** Pipes and line breaks would break a markdown row. */
const cell = (value: string): string => value.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function value(company: Company, field: TableField, total: number): string {
  const range = company.aiInvestment2023to2025;
  switch (field) {
    case "name":
      return company.name;
    case "investment":
      return range.text;
    case "lowUsdBillions":
      return String(range.lowUsdBillions);
    case "highUsdBillions":
      return String(range.highUsdBillions);
    case "midpointUsdBillions":
      return String(round(midpoint(company)));
    case "sharePercent":
      return total > 0 ? String(round((midpoint(company) / total) * 100, 1)) : "0";
    case "flagshipAi":
      return company.flagshipAi.join(", ");
    case "globalExpansion":
      return company.globalExpansion;
    case "keyChallenges":
      return company.keyChallenges.join(", ");
    case "notes":
      return (company.notes ?? []).join("; ");
  }
}

/**
 * A markdown table of the chosen fields (the company name always comes first) for the chosen companies (all
 * when none are named). Shares are of the chosen companies' total, computed from range midpoints.
 */
export function markdownTable(data: Dataset, fields: TableField[], names?: string[]): string {
  const columns: TableField[] = ["name", ...new Set(fields.filter((f) => f !== "name"))];
  const companies = selectCompanies(data, names);
  const total = companies.reduce((sum, c) => sum + midpoint(c), 0);
  const lines = [
    `| ${columns.map((f) => HEADERS[f]).join(" | ")} |`,
    `| ${columns.map((f) => (isNumeric(f) ? "---:" : "---")).join(" | ")} |`,
    ...companies.map((c) => `| ${columns.map((f) => cell(value(c, f, total))).join(" | ")} |`),
  ];
  return lines.join("\n");
}

const isNumeric = (field: TableField): boolean =>
  field === "lowUsdBillions" ||
  field === "highUsdBillions" ||
  field === "midpointUsdBillions" ||
  field === "sharePercent";
