import { describe, expect, it } from "vitest";
import {
  CompanyNotFoundError,
  companyDetails,
  compareInvestments,
  findCompany,
  investmentShares,
  listCompanies,
  MIDPOINT_BASIS,
} from "../src/analysis.ts";
import { aiInvestments as data } from "../src/data.ts";
import { markdownTable } from "../src/table.ts";

describe("the bundled data set", () => {
  it("holds the four companies with their ranges", () => {
    expect(data.companies.map((c) => c.name)).toEqual(["Alibaba", "Tencent", "Baidu", "Huawei"]);
    expect(data.source).toMatch(/Bloomberg Intelligence/);
  });
});

describe("findCompany", () => {
  it("matches case-insensitively and by unique prefix", () => {
    expect(findCompany(data, "tencent").name).toBe("Tencent");
    expect(findCompany(data, " HUA ").name).toBe("Huawei");
  });

  it("names the known companies when the name is unknown", () => {
    expect(() => findCompany(data, "ByteDance")).toThrow(CompanyNotFoundError);
    expect(() => findCompany(data, "ByteDance")).toThrow(/Alibaba, Tencent, Baidu, Huawei/);
    expect(() => findCompany(data, "")).toThrow(CompanyNotFoundError);
  });
});

describe("listCompanies", () => {
  it("lists all companies by name with midpoints", () => {
    const all = listCompanies(data);
    expect(all.map((c) => c.name)).toEqual(["Alibaba", "Baidu", "Huawei", "Tencent"]);
    expect(all.find((c) => c.name === "Huawei")?.midpointUsdBillions).toBe(13.5);
  });

  it("filters by midpoint and searches the text fields", () => {
    expect(
      listCompanies(data, { minMidpointUsdBillions: 11, maxMidpointUsdBillions: 20 }).map((c) => c.name),
    ).toEqual(["Huawei", "Tencent"]);
    expect(listCompanies(data, { search: "sanctions" }).map((c) => c.name)).toEqual(["Huawei"]);
    expect(listCompanies(data, { search: "T-Head" }).map((c) => c.name)).toEqual(["Alibaba"]);
  });

  it("sorts by investment, largest first by default", () => {
    expect(listCompanies(data, { sortBy: "investment" }).map((c) => c.name)).toEqual([
      "Alibaba",
      "Huawei",
      "Tencent",
      "Baidu",
    ]);
    expect(listCompanies(data, { sortBy: "investment", order: "asc" })[0]?.name).toBe("Baidu");
  });
});

describe("companyDetails", () => {
  it("returns every field plus the midpoint", () => {
    const baidu = companyDetails(data, "baidu");
    expect(baidu).toMatchObject({
      name: "Baidu",
      flagshipAi: ["Ernie LLM"],
      keyChallenges: ["Fierce competition from OpenAI and Alibaba"],
      midpointUsdBillions: 9,
      notes: [],
    });
  });
});

describe("compareInvestments", () => {
  it("gives low/high/midpoint differences, the possible span and the ratio, larger company first", () => {
    const result = compareInvestments(data, ["Tencent", "Huawei"]);
    expect(result.basis).toBe(MIDPOINT_BASIS);
    expect(result.largestByMidpoint).toBe("Huawei");
    expect(result.pairs).toEqual([
      {
        first: "Huawei",
        second: "Tencent",
        lowDifference: 2,
        highDifference: 3,
        midpointDifference: 2.5,
        possibleDifferenceRange: [0, 5],
        midpointRatio: 1.23,
      },
    ]);
  });

  it("compares every pair of three companies", () => {
    const result = compareInvestments(data, ["Alibaba", "Baidu", "Tencent"]);
    expect(result.pairs.map((p) => `${p.first}-${p.second}`)).toEqual([
      "Alibaba-Tencent",
      "Alibaba-Baidu",
      "Tencent-Baidu",
    ]);
    expect(result.pairs[1]).toMatchObject({ midpointDifference: 44, midpointRatio: 5.89 });
  });

  it("leaves the data set's order untouched", () => {
    compareInvestments(data, ["Baidu", "Alibaba"]);
    investmentShares(data);
    expect(data.companies.map((c) => c.name)).toEqual(["Alibaba", "Tencent", "Baidu", "Huawei"]);
  });

  it("refuses fewer than two distinct companies", () => {
    expect(() => compareInvestments(data, ["Baidu", "baidu"])).toThrow(/at least two/);
  });
});

describe("investmentShares", () => {
  it("computes shares of the midpoint total and ratios, stating the basis", () => {
    const result = investmentShares(data);
    expect(result.basis).toMatch(/midpoint/);
    expect(result.totalMidpointUsdBillions).toBe(86.5); // 53 + 11 + 9 + 13.5
    expect(result.companies.map((c) => [c.name, c.sharePercent])).toEqual([
      ["Alibaba", 61.3],
      ["Huawei", 15.6],
      ["Tencent", 12.7],
      ["Baidu", 10.4],
    ]);
    const shareSum = result.companies.reduce((s, c) => s + c.sharePercent, 0);
    expect(shareSum).toBeCloseTo(100, 0);
    expect(result.companies[0]?.ratioToLargest).toBe(1);
    expect(result.ratios).toHaveLength(6);
    expect(result.ratios).toContainEqual({ first: "Alibaba", second: "Tencent", ratio: 4.82 });
  });

  it("restricts the total to the chosen companies", () => {
    const result = investmentShares(data, ["Baidu", "Tencent"]);
    expect(result.totalMidpointUsdBillions).toBe(20);
    expect(result.companies.map((c) => c.sharePercent)).toEqual([55, 45]);
  });
});

describe("markdownTable", () => {
  it("renders the chosen fields with the name first and escapes pipes", () => {
    const table = markdownTable(
      { ...data, companies: [{ ...data.companies[1]!, globalExpansion: "a | b" }] },
      ["globalExpansion", "midpointUsdBillions"],
    );
    expect(table).toBe(
      [
        "| Company | Global expansion | Midpoint (USD B) |",
        "| --- | --- | ---: |",
        "| Tencent | a \\| b | 11 |",
      ].join("\n"),
    );
  });

  it("computes shares over the chosen companies", () => {
    const table = markdownTable(data, ["sharePercent"], ["Baidu", "Tencent"]);
    expect(table.split("\n").slice(2)).toEqual(["| Baidu | 45 |", "| Tencent | 55 |"]);
  });
});
