/**
 * Alibaba Cloud Model Studio (DashScope) OpenAI-compatible endpoints by region, as documented in "Base URL
 * overview" (https://www.alibabacloud.com/help/en/model-studio/base-url) and "Regions and endpoints"
 * (https://www.alibabacloud.com/help/en/model-studio/regions). API keys are per region.
 *
 * `baseURL` is the shared DashScope domain. `workspaceRegionId` builds the workspace-dedicated domain
 * `https://{WorkspaceId}.{workspaceRegionId}.maas.aliyuncs.com/compatible-mode/v1` (recommended for production);
 * Germany (Frankfurt) and Japan (Tokyo) are documented with that domain only.
 */
export interface QwenRegion {
  name: string;
  baseURL?: string;
  workspaceRegionId?: string;
  /** Whether the catalog's International (USD) list prices apply to calls in this region. */
  internationalPricing: boolean;
}

export const qwenRegions = {
  singapore: {
    name: "Singapore",
    baseURL: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    workspaceRegionId: "ap-southeast-1",
    internationalPricing: true,
  },
  beijing: {
    name: "China (Beijing)",
    baseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1",
    workspaceRegionId: "cn-beijing",
    internationalPricing: false,
  },
  "us-virginia": {
    name: "US (Virginia)",
    baseURL: "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
    workspaceRegionId: "us-east-1",
    internationalPricing: false,
  },
  hongkong: {
    name: "China (Hong Kong)",
    baseURL: "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1",
    internationalPricing: false,
  },
  frankfurt: { name: "Germany (Frankfurt)", workspaceRegionId: "eu-central-1", internationalPricing: false },
  tokyo: { name: "Japan (Tokyo)", workspaceRegionId: "ap-northeast-1", internationalPricing: false },
} as const satisfies Record<string, QwenRegion>;

export type QwenRegionName = keyof typeof qwenRegions;

/** The compatible-mode base URL for a region; a workspace id selects the workspace-dedicated domain. */
export function qwenBaseURL(region: QwenRegionName, workspaceId?: string): string | undefined {
  const entry: QwenRegion | undefined = qwenRegions[region];
  if (!entry) return undefined;
  if (workspaceId && entry.workspaceRegionId) {
    return `https://${workspaceId}.${entry.workspaceRegionId}.maas.aliyuncs.com/compatible-mode/v1`;
  }
  return entry.baseURL;
}
