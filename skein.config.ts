// The repo's own Skein config: `skein serve` / `skein dev` host these agents.
import { defineConfig } from "@skein/runtime";
import aiMarketAnalyst from "./examples/ai-market-analyst/agent.ts";

export default defineConfig({
  agents: [aiMarketAnalyst],
  // Long-term memory (<dataDir>/memory.db, /v1/memory): what each user follows and prefers, recalled in their
  // later sessions. Embeddings from SKEIN_EMBEDDING_* or DASHSCOPE_API_KEY (text-embedding-v4); none: BM25 only.
  memory: {
    agents: {
      "ai-market-analyst": {
        strategies: ["semantic", "preferences", "summary"],
        extractEveryTurns: 4,
        budgetTokens: 600,
      },
    },
  },
});
