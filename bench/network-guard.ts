/**
 * Keeps benchmark processes on loopback: wraps `globalThis.fetch` so a request to any other host fails at once
 * (no DNS lookup) and is recorded. Frameworks that phone home (telemetry, tokenizer downloads) show up in
 * `blockedRequests` instead of reaching the network. Install before loading any framework.
 */
export const blockedRequests: string[] = [];

const LOOPBACK = /^https?:\/\/(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?(?:\/|$)/;

export function installNetworkGuard(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (LOOPBACK.test(url)) return realFetch(input, init);
    blockedRequests.push(url);
    return Promise.reject(new TypeError(`fetch blocked by the benchmark's network guard: ${url}`));
  }) as typeof fetch;
}
