import { ToolError } from "@skein/core";
import type { Company, Dataset } from "./data.ts";

/** Ranges are compared through their midpoints; every result that uses them says so. */
export const MIDPOINT_BASIS =
  "Computed from the midpoint of each company's estimated 2023-2025 AI investment range (USD billions); " +
  "the ranges are estimates, so these figures are approximate.";

/** A tool error with a stable code, so the model (and the CLI) sees `company_not_found`. */
export class CompanyNotFoundError extends ToolError {
  constructor(name: string, known: string[]) {
    super("company_not_found", `Unknown company "${name}". Known companies: ${known.join(", ")}`);
  }
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const midpoint = (company: Company): number =>
  (company.aiInvestment2023to2025.lowUsdBillions + company.aiInvestment2023to2025.highUsdBillions) / 2;

/** Finds a company by name, case-insensitively; a unique prefix also matches ("ali" → Alibaba). */
export function findCompany(data: Dataset, name: string): Company {
  const wanted = name.trim().toLowerCase();
  const exact = data.companies.find((c) => c.name.toLowerCase() === wanted);
  if (exact) return exact;
  const prefixed = data.companies.filter((c) => c.name.toLowerCase().startsWith(wanted));
  if (wanted && prefixed.length === 1) return prefixed[0]!;
  throw new CompanyNotFoundError(
    name,
    data.companies.map((c) => c.name),
  );
}

/** The chosen companies, or all of them when `names` is empty or missing. Duplicates are dropped. */
export function selectCompanies(data: Dataset, names?: string[]): Company[] {
  if (!names || names.length === 0) return [...data.companies];
  return [...new Set(names.map((n) => findCompany(data, n)))];
}

export interface CompanySummary {
  name: string;
  investment: string;
  lowUsdBillions: number;
  highUsdBillions: number;
  midpointUsdBillions: number;
  flagshipAi: string[];
}

export const summarize = (c: Company): CompanySummary => ({
  name: c.name,
  investment: c.aiInvestment2023to2025.text,
  lowUsdBillions: c.aiInvestment2023to2025.lowUsdBillions,
  highUsdBillions: c.aiInvestment2023to2025.highUsdBillions,
  midpointUsdBillions: round(midpoint(c)),
  flagshipAi: c.flagshipAi,
});

export interface CompanyFilter {
  /** Substring searched in the name, flagship AI, expansion, challenges and notes (case-insensitive). */
  search?: string;
  /** Keep companies whose range midpoint is at least this (USD billions). */
  minMidpointUsdBillions?: number;
  /** Keep companies whose range midpoint is at most this (USD billions). */
  maxMidpointUsdBillions?: number;
  sortBy?: "name" | "investment";
  order?: "asc" | "desc";
}

export function listCompanies(data: Dataset, filter: CompanyFilter = {}): CompanySummary[] {
  const search = filter.search?.trim().toLowerCase();
  const matches = data.companies.filter((c) => {
    const mid = midpoint(c);
    if (filter.minMidpointUsdBillions !== undefined && mid < filter.minMidpointUsdBillions) return false;
    if (filter.maxMidpointUsdBillions !== undefined && mid > filter.maxMidpointUsdBillions) return false;
    if (!search) return true;
    const haystack = [c.name, ...c.flagshipAi, c.globalExpansion, ...c.keyChallenges, ...(c.notes ?? [])];
    return haystack.some((field) => field.toLowerCase().includes(search));
  });
  const sortBy = filter.sortBy ?? "name";
  const direction = (filter.order ?? (sortBy === "investment" ? "desc" : "asc")) === "asc" ? 1 : -1;
  const sorted = [...matches].sort((a, b) =>
    sortBy === "name" ? a.name.localeCompare(b.name) * direction : (midpoint(a) - midpoint(b)) * direction,
  );
  return sorted.map(summarize);
}

export interface CompanyDetails extends Company {
  midpointUsdBillions: number;
}

export function companyDetails(data: Dataset, name: string): CompanyDetails {
  const company = findCompany(data, name);
  return { ...company, notes: company.notes ?? [], midpointUsdBillions: round(midpoint(company)) };
}

export interface PairComparison {
  first: string;
  second: string;
  /** first − second, on each basis, in USD billions. */
  lowDifference: number;
  highDifference: number;
  midpointDifference: number;
  /** Every difference the two ranges allow: [first.low − second.high, first.high − second.low]. */
  possibleDifferenceRange: [number, number];
  /** first.midpoint / second.midpoint. */
  midpointRatio: number;
}

export interface InvestmentComparison {
  basis: string;
  companies: CompanySummary[];
  pairs: PairComparison[];
  largestByMidpoint: string;
  smallestByMidpoint: string;
}

/** Compares investment ranges; pairs are ordered so that `first` has the larger midpoint. */
export function compareInvestments(data: Dataset, names: string[]): InvestmentComparison {
  const companies = selectCompanies(data, names).sort((a, b) => midpoint(b) - midpoint(a));
  if (companies.length < 2) {
    throw new ToolError("too_few_companies", "Name at least two different companies to compare.");
  }
  const pairs: PairComparison[] = [];
  for (let i = 0; i < companies.length; i++) {
    for (let j = i + 1; j < companies.length; j++) {
      const a = companies[i]!.aiInvestment2023to2025;
      const b = companies[j]!.aiInvestment2023to2025;
      pairs.push({
        first: companies[i]!.name,
        second: companies[j]!.name,
        lowDifference: round(a.lowUsdBillions - b.lowUsdBillions),
        highDifference: round(a.highUsdBillions - b.highUsdBillions),
        midpointDifference: round(midpoint(companies[i]!) - midpoint(companies[j]!)),
        possibleDifferenceRange: [
          round(a.lowUsdBillions - b.highUsdBillions),
          round(a.highUsdBillions - b.lowUsdBillions),
        ],
        midpointRatio: round(midpoint(companies[i]!) / midpoint(companies[j]!)),
      });
    }
  }
  return {
    basis: MIDPOINT_BASIS,
    companies: companies.map(summarize),
    pairs,
    largestByMidpoint: companies[0]!.name,
    smallestByMidpoint: companies[companies.length - 1]!.name,
  };
}

export interface InvestmentShares {
  basis: string;
  totalMidpointUsdBillions: number;
  companies: {
    name: string;
    midpointUsdBillions: number;
    /** Percent of the total of the chosen companies' midpoints. */
    sharePercent: number;
    /** This company's midpoint divided by the largest midpoint among the chosen companies. */
    ratioToLargest: number;
  }[];
  /** Every pair, larger first: how many times the second company's midpoint the first one's is. */
  ratios: { first: string; second: string; ratio: number }[];
}

export function investmentShares(data: Dataset, names?: string[]): InvestmentShares {
  const companies = selectCompanies(data, names).sort((a, b) => midpoint(b) - midpoint(a));
  const total = companies.reduce((sum, c) => sum + midpoint(c), 0);
  const largest = companies.length > 0 ? midpoint(companies[0]!) : 0;
  const ratios: InvestmentShares["ratios"] = [];
  for (let i = 0; i < companies.length; i++) {
    for (let j = i + 1; j < companies.length; j++) {
      ratios.push({
        first: companies[i]!.name,
        second: companies[j]!.name,
        ratio: round(midpoint(companies[i]!) / midpoint(companies[j]!)),
      });
    }
  }
  return {
    basis: MIDPOINT_BASIS,
    totalMidpointUsdBillions: round(total),
    companies: companies.map((c) => ({
      name: c.name,
      midpointUsdBillions: round(midpoint(c)),
      sharePercent: total > 0 ? round((midpoint(c) / total) * 100, 1) : 0,
      ratioToLargest: largest > 0 ? round(midpoint(c) / largest) : 0,
    })),
    ratios,
  };
}
