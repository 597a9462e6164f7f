import { tool } from "@skein/core";
import { z } from "zod";
import { companyDetails, compareInvestments, investmentShares, listCompanies } from "./analysis.ts";
import type { Dataset } from "./data.ts";
import { markdownTable, TABLE_FIELDS } from "./table.ts";

const companyNames = z
  .array(z.string().min(1))
  .describe("Company names, e.g. Alibaba, Tencent, Baidu, Huawei (case-insensitive)");

/** The analyst's tools, bound to one data set (tests may pass their own). */
export function marketTools(data: Dataset) {
  const list = tool({
    name: "list_companies",
    description:
      "List the companies in the data set with their estimated 2023-2025 AI investment (USD billions) and " +
      "flagship AI products. Optional filters: a search text and a range for the investment midpoint.",
    input: z.object({
      search: z
        .string()
        .optional()
        .describe("Text searched in names, products, expansion plans, challenges and notes"),
      minMidpointUsdBillions: z
        .number()
        .optional()
        .describe("Keep companies whose midpoint is at least this"),
      maxMidpointUsdBillions: z.number().optional().describe("Keep companies whose midpoint is at most this"),
      sortBy: z.enum(["name", "investment"]).optional().describe("Sort order key (default name)"),
      order: z.enum(["asc", "desc"]).optional(),
    }),
    run: (input) => ({ source: data.source, companies: listCompanies(data, input) }),
  });

  const details = tool({
    name: "get_company",
    description:
      "Everything the data set holds about one company: investment range, flagship AI, global expansion, " +
      "key challenges and notes.",
    input: z.object({ name: z.string().min(1).describe("Company name, e.g. Alibaba") }),
    run: ({ name }) => companyDetails(data, name),
  });

  const compare = tool({
    name: "compare_investments",
    description:
      "Compare the AI investment ranges of two or more companies: low, high and midpoint of each range, and " +
      "for every pair the differences (low, high, midpoint), the span of possible differences and the " +
      "midpoint ratio.",
    input: z.object({ companies: companyNames.min(2) }),
    run: ({ companies }) => compareInvestments(data, companies),
  });

  const shares = tool({
    name: "investment_shares",
    description:
      "Each company's share of the total AI investment and the ratios between companies, computed from the " +
      "midpoints of the estimated ranges. Leave `companies` out to use every company.",
    input: z.object({ companies: companyNames.optional() }),
    run: ({ companies }) => investmentShares(data, companies),
  });

  const table = tool({
    name: "markdown_table",
    description:
      "A markdown table of the chosen fields for the chosen companies (all when none are named). Use it to " +
      "present data; show the table to the user as it is.",
    input: z.object({
      fields: z.array(z.enum(TABLE_FIELDS)).min(1).describe("Columns; the company name always comes first"),
      companies: companyNames.optional(),
    }),
    run: ({ fields, companies }) => markdownTable(data, fields, companies),
  });

  const market = tool({
    name: "market_overview",
    description:
      "Market-wide figures: Chinese tech AI infrastructure spend by year, the global AI spending forecast " +
      "for 2030 and stock moves on the announcement, with the data source.",
    input: z.object({}),
    run: () => ({ source: data.source, ...data.market }),
  });

  return [list, details, compare, shares, table, market];
}
