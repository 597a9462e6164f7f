// The repo's own Skein config: `skein serve` / `skein dev` host these agents.
import { defineConfig } from "@skein/runtime";
import aiMarketAnalyst from "./examples/ai-market-analyst/agent.ts";

export default defineConfig({
  agents: [aiMarketAnalyst],
});
