import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKeyRecord, Store } from "../store/store.ts";

/** Every Skein API key starts with this, so secret scanners and humans recognise it. */
export const API_KEY_PREFIX = "sk-skein-";

const ID_LENGTH = 16;
const keyPattern = /^sk-skein-([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface CreatedApiKey {
  /** The key text: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

/** SHA-256 of the whole key text (keys are 256-bit random, so a fast hash is enough). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The public id embedded in a well-formed key, or undefined. */
export function apiKeyId(key: string): string | undefined {
  return keyPattern.exec(key)?.[1];
}

/**
 * Creates a key for the tenant (creating the tenant when absent) and stores only its hash. Backs
 * `skein keys create --tenant T`.
 */
export async function createApiKey(
  store: Store,
  tenantId: string,
  options: { name?: string } = {},
): Promise<CreatedApiKey> {
  await store.ensureTenant({ id: tenantId });
  const id = randomBytes(ID_LENGTH / 2).toString("hex");
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString("base64url")}`;
  const record = await store.createApiKey({ id, tenantId, hash: hashApiKey(key), name: options.name });
  return { key, record };
}

/** The key's record when the key is well formed, known, not revoked and its hash matches; else undefined. */
export async function verifyApiKey(store: Store, key: string): Promise<ApiKeyRecord | undefined> {
  const id = apiKeyId(key);
  if (!id) return undefined;
  const record = await store.findApiKeyForAuth(id);
  if (!record || record.revokedAt !== undefined) return undefined;
  const expected = Buffer.from(record.hash, "hex");
  const actual = Buffer.from(hashApiKey(key), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? record : undefined;
}

/** Revokes one of the tenant's keys; false when the tenant has no such key. */
export function revokeApiKey(store: Store, tenantId: string, id: string): Promise<boolean> {
  return store.revokeApiKey(tenantId, id);
}
