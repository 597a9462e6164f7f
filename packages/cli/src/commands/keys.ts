import { mkdirSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError } from "../errors.ts";
import { createApiKey, defaultDataDir, openSqliteStore } from "../runtime-imports.ts";
import { KEYS_USAGE, type KeysArgs, parseKeysArgs } from "../serve-args.ts";
import type { ServeIo } from "./serve.ts";

const iso = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString());

/** `skein keys create|list|revoke`: API keys in the same SQLite database the server uses. */
export async function keysCommand(argv: string[], io: ServeIo): Promise<number> {
  let args: KeysArgs;
  try {
    args = parseKeysArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error [${error.code}]: ${error.message}\n\n${KEYS_USAGE}\n`);
    return EXIT.usage;
  }
  if (args.action === "help") {
    io.stdout.write(`${KEYS_USAGE}\n`);
    return EXIT.ok;
  }
  const dataDir = defaultDataDir(io.cwd, { SKEIN_DATA_DIR: args.dataDir ?? io.env.SKEIN_DATA_DIR });
  mkdirSync(dataDir, { recursive: true });
  const store = openSqliteStore({ path: path.join(dataDir, "skein.db") });
  try {
    switch (args.action) {
      case "create": {
        const { key, record } = await createApiKey(store, args.tenant, { name: args.name });
        io.stdout.write(`${key}\n`);
        io.stderr.write(
          `Created API key ${record.id} for tenant "${args.tenant}" in ${dataDir}.\n` +
            "It is shown this once: store it now (only its hash is kept). Use it as: Authorization: Bearer <key>\n",
        );
        return EXIT.ok;
      }
      case "list": {
        const keys = await store.listApiKeys(args.tenant);
        if (args.json) {
          for (const k of keys)
            io.stdout.write(
              `${JSON.stringify({ id: k.id, tenant: k.tenantId, name: k.name ?? null, createdAt: iso(k.createdAt), revokedAt: k.revokedAt === undefined ? null : iso(k.revokedAt) })}\n`,
            );
          return EXIT.ok;
        }
        if (keys.length === 0) {
          io.stderr.write(`Tenant "${args.tenant}" has no API keys in ${dataDir}.\n`);
          return EXIT.ok;
        }
        const rows = keys.map((k) => [
          k.id,
          k.name ?? "-",
          iso(k.createdAt),
          k.revokedAt ? `revoked ${iso(k.revokedAt)}` : "active",
        ]);
        const table = [["ID", "NAME", "CREATED", "STATUS"], ...rows];
        const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        for (const row of table)
          io.stdout.write(
            `${row
              .map((cell, i) => cell.padEnd(widths[i]!))
              .join("  ")
              .trimEnd()}\n`,
          );
        return EXIT.ok;
      }
      case "revoke": {
        const record = await store.findApiKeyForAuth(args.id);
        if (!record || !(await store.revokeApiKey(record.tenantId, record.id))) {
          io.stderr.write(`error [key_not_found]: no API key with id ${args.id} in ${dataDir}\n`);
          return EXIT.runFailed;
        }
        io.stderr.write(
          `Revoked API key ${record.id} of tenant "${record.tenantId}"; requests with it now get 401.\n`,
        );
        return EXIT.ok;
      }
    }
  } finally {
    await store.close();
  }
}
