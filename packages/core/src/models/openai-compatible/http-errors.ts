import {
  ContentFilteredError,
  ContextLengthExceededError,
  ModelAuthError,
  ModelBadRequestError,
  type ModelError,
  type ModelErrorDetails,
  ModelRateLimitError,
  ModelServerError,
  ModelTimeoutError,
} from "../../errors/errors.ts";

/** What an OpenAI-style error body says: `{error:{message,type,code}, request_id}` (or a flat variant). */
export interface ProviderErrorInfo {
  message: string;
  providerCode?: string;
  requestId?: string;
}

const CONTENT_FILTER_CODES = new Set([
  "data_inspection_failed",
  "datainspectionfailed",
  "content_filter",
  "content_policy_violation",
  "content_filtered",
]);

// DashScope: "Range of input length should be [1, 258048]"; OpenAI/vLLM: "maximum context length is N tokens".
const CONTEXT_LENGTH_MESSAGES = [
  "range of input length",
  "maximum context length",
  "context_length_exceeded",
  "context length exceeded",
];

/** Reads the provider's error envelope; tolerates the flat `{code, message}` form and non-JSON bodies. */
export function parseErrorBody(text: string): ProviderErrorInfo {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.trim().slice(0, 500) };
  }
  const error = body && typeof body.error === "object" && body.error !== null ? body.error : body;
  const message =
    typeof error?.message === "string" ? error.message : typeof body === "string" ? body : text.slice(0, 500);
  const code = error?.code ?? error?.type ?? body?.code;
  const requestId = body?.request_id ?? body?.requestId ?? error?.request_id;
  return {
    message,
    providerCode: code === undefined || code === null ? undefined : String(code),
    requestId: typeof requestId === "string" ? requestId : undefined,
  };
}

/** `Retry-After` as seconds or an HTTP date, in ms; OpenAI's `retry-after-ms` wins when present. */
export function parseRetryAfter(headers: Pick<Headers, "get">, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const isContentFilter = (info: ProviderErrorInfo): boolean =>
  info.providerCode !== undefined && CONTENT_FILTER_CODES.has(info.providerCode.toLowerCase());

function isContextLength(info: ProviderErrorInfo): boolean {
  const haystack = `${info.providerCode ?? ""} ${info.message}`.toLowerCase();
  return CONTEXT_LENGTH_MESSAGES.some((needle) => haystack.includes(needle));
}

/** Maps an HTTP status and the provider's error body to the typed ModelError a caller can act on. */
export function errorFromResponse(
  status: number,
  info: ProviderErrorInfo,
  details: { provider: string; retryAfterMs?: number },
): ModelError {
  const d: ModelErrorDetails = {
    provider: details.provider,
    status,
    requestId: info.requestId,
    providerCode: info.providerCode,
  };
  const message = info.message || `HTTP ${status}`;
  if (status === 401 || status === 403) return new ModelAuthError(message, d);
  // OpenAI answers an exhausted balance with 429 too; waiting does not help.
  if (status === 429 && info.providerCode === "insufficient_quota")
    return new ModelBadRequestError(message, d);
  if (status === 429) return new ModelRateLimitError(message, { ...d, retryAfterMs: details.retryAfterMs });
  if (status === 408) return new ModelTimeoutError(message, d);
  if (status >= 500) return new ModelServerError(message, { ...d, retryAfterMs: details.retryAfterMs });
  if (isContentFilter(info)) return new ContentFilteredError(message, d);
  if (isContextLength(info) || status === 413) return new ContextLengthExceededError(message, d);
  return new ModelBadRequestError(message, d);
}

/** An `{"error": ...}` object sent inside the stream (no HTTP status left to go by). */
export function errorFromStreamPayload(error: unknown, provider: string, requestId?: string): ModelError {
  const info = parseErrorBody(JSON.stringify({ error }));
  info.requestId ??= requestId;
  const status = typeof (error as any)?.status === "number" ? (error as any).status : undefined;
  if (status !== undefined) return errorFromResponse(status, info, { provider });
  const d = { provider, requestId: info.requestId, providerCode: info.providerCode };
  if (isContentFilter(info)) return new ContentFilteredError(info.message, d);
  if (isContextLength(info)) return new ContextLengthExceededError(info.message, d);
  return new ModelServerError(info.message || "The provider reported an error mid-stream", d);
}
