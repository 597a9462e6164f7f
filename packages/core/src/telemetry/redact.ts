/** What a redacted value becomes. */
export const REDACTED = "[REDACTED]";

// Anywhere in the key: apiKey, x-api-key, client_secret, Authorization, db_password, set-cookie.
const secretWord = /password|passwd|secret|api[-_]?key|authorization|credential|private[-_]?key|cookie/i;
// At the end only, so `max_tokens` or `author` stay readable: token, accessToken, auth, pwd.
const secretSuffix = /(token|auth|pwd|bearer)$/i;

/** True for object keys whose values must never reach telemetry. */
export const isSecretKey = (key: string): boolean => secretWord.test(key) || secretSuffix.test(key);

/** A copy of `value` with the values of secret-looking keys replaced, at any depth. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : redactSecrets(item, depth + 1);
  }
  return out;
}

// A JSON-ish `"key": value` pair, for text that does not parse (invalid tool arguments).
const pair = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g;

/** Redacts secret-looking `"key": value` pairs in text that is not valid JSON. */
export const redactSecretsInText = (text: string): string =>
  text.replace(pair, (match, key: string, colon: string) =>
    isSecretKey(key) ? `"${key}"${colon}"${REDACTED}"` : match,
  );

/**
 * A tool payload as telemetry records it: JSON text is parsed and redacted (the spec wants objects, not
 * strings, where it can); other text stays text, with secret-looking pairs masked.
 */
export function toolPayload(text: string): unknown {
  const first = text.trimStart()[0];
  if (first === "{" || first === "[") {
    try {
      return redactSecrets(JSON.parse(text));
    } catch {
      return redactSecretsInText(text);
    }
  }
  return redactSecretsInText(text);
}
