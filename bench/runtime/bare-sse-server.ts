/**
 * The baseline of the SSE sessions figure: a bare Node HTTP server, in its own process, that answers every POST
 * with an SSE stream (the headers and one event, as Skein's first event) and holds it open with a heartbeat on one
 * shared timer: what an idle SSE connection costs Node itself, measured exactly as the runtime is. No routing, no
 * authentication, no run, no store. Commands on stdin (see child-process.ts): mem (after two full GCs), stats.
 * Run with --expose-gc.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BenchServerReady } from "./bench-server.ts";
import { serveCommands } from "./child-process.ts";
import { serverCommand } from "./server-commands.ts";

const config = JSON.parse(process.argv[2]!) as { sseHeartbeatMs?: number };

const held = new Set<ServerResponse>();
let seq = 0;
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-request-id": String(++seq),
    });
    response.write(`id: 1\nevent: run-start\ndata: {"type":"run-start","runId":"run_${seq}"}\n\n`);
    held.add(response);
    response.on("close", () => held.delete(response));
  });
});
setInterval(() => {
  for (const response of held) response.write(": keep-alive\n\n");
}, config.sseHeartbeatMs ?? 15_000).unref();
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

serveCommands(
  {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key: "none",
    agent: "analyst",
  } satisfies BenchServerReady,
  async (command) => serverCommand(command.cmd, () => held.size),
  async () => {
    for (const response of held) response.destroy();
    server.close();
  },
);
