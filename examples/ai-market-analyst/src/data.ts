import dataset from "../data/ai-investments.json" with { type: "json" };

/** An estimated investment range in billions of US dollars (low equals high for a point estimate). */
export interface InvestmentRange {
  text: string;
  lowUsdBillions: number;
  highUsdBillions: number;
}

export interface Company {
  name: string;
  aiInvestment2023to2025: InvestmentRange;
  flagshipAi: string[];
  globalExpansion: string;
  keyChallenges: string[];
  notes?: string[];
}

export interface MarketData {
  chineseTechAiInfrastructureSpendUsdBillions: Record<string, number>;
  globalAiSpendingBy2030UsdTrillions: number;
  stockMovesOnAnnouncement: { company: string; changePercent: number }[];
}

export interface Dataset {
  source: string;
  companies: Company[];
  market: MarketData;
}

/** The bundled data set (estimates from a 2025 news report; see `source`). */
export const aiInvestments: Dataset = dataset;
