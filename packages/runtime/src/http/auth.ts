import type { MiddlewareHandler } from "hono";
import { verifyApiKey } from "../keys/api-keys.ts";
import type { Store } from "../store/store.ts";
import type { RuntimeEnv } from "./context.ts";
import { HttpError } from "./problem.ts";

export interface AuthOptions {
  store: Store;
  /**
   * Dev mode: requests without a key act as `devTenant`. Only `startServer` on a loopback address may turn it on
   * (it refuses otherwise and logs a warning when it does). A key that is sent is still checked.
   */
  dev?: boolean;
  devTenant?: string;
}

const challenge = { "www-authenticate": 'Bearer realm="skein"' };

/** `Authorization: Bearer sk-skein-...` → the key's tenant on `c.var.tenantId`; 401 problem otherwise. */
export function authenticate(options: AuthOptions): MiddlewareHandler<RuntimeEnv> {
  const devTenant = options.devTenant ?? "dev";
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined) {
      if (!options.dev)
        throw new HttpError(401, "unauthorized", "send an API key: Authorization: Bearer sk-skein-...", {
          headers: challenge,
        });
      c.set("tenantId", devTenant);
      return next();
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match)
      throw new HttpError(401, "unauthorized", "the Authorization header must be: Bearer <key>", {
        headers: challenge,
      });
    const record = await verifyApiKey(options.store, match[1]!);
    if (!record)
      throw new HttpError(401, "invalid_api_key", "the API key is not valid or was revoked", {
        headers: challenge,
      });
    c.set("tenantId", record.tenantId);
    c.set("keyId", record.id);
    return next();
  };
}
