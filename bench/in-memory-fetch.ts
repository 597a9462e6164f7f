/**
 * A `fetch` that answers from the scripted conversation without any socket: it takes the network out of the
 * measurement, so what remains is the framework's own CPU work per step (and the WHATWG Response machinery
 * both the baseline and Skein share). Diagnostic only; the headline figures use the HTTP mock.
 */
import { CHAT_PATH, WireResponder } from "./mock-wire.ts";

export function inMemoryFetch(): typeof fetch {
  const responder = new WireResponder();
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const match = CHAT_PATH.exec(url.pathname);
    if (!match) return new Response("not found", { status: 404 });
    const reply = responder.reply(match[1], String(init?.body ?? ""));
    if (reply.kind === "error") return new Response(reply.body, { status: reply.status });
    if (reply.kind === "json")
      return new Response(reply.body, { headers: { "content-type": "application/json" } });
    const bytes = Buffer.concat([reply.head, Buffer.from(reply.tail)]);
    return new Response(bytes, { headers: { "content-type": "text/event-stream" } });
  }) as typeof fetch;
}
