import {
  ModelAuthError,
  ModelBadRequestError,
  type ModelError,
  type ModelErrorDetails,
  ModelRateLimitError,
  ModelServerError,
  ModelTimeoutError,
} from "@skein/core";

// A reduced copy of core's chat error mapping (which `@skein/core` does not export yet): embeddings have no
// content filter or context-length cases worth telling apart.

/** Reads the OpenAI error envelope `{error:{message,code}, request_id}`, or a flat `{code, message}`. */
function parseErrorBody(text: string): { message: string; providerCode?: string; requestId?: string } {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.trim().slice(0, 500) };
  }
  const error = body && typeof body.error === "object" && body.error !== null ? body.error : body;
  const code = error?.code ?? error?.type ?? body?.code;
  const requestId = body?.request_id ?? body?.id ?? error?.request_id;
  return {
    message: typeof error?.message === "string" ? error.message : text.slice(0, 500),
    providerCode: code === undefined || code === null ? undefined : String(code),
    requestId: typeof requestId === "string" ? requestId : undefined,
  };
}

function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Maps a failed HTTP response to the typed ModelError a caller can act on. */
export async function embeddingHttpError(response: Response, provider: string): Promise<ModelError> {
  const info = parseErrorBody(await response.text().catch(() => ""));
  const status = response.status;
  const details: ModelErrorDetails = {
    provider,
    status,
    requestId: info.requestId ?? response.headers.get("x-request-id") ?? undefined,
    providerCode: info.providerCode,
  };
  const message = info.message || `HTTP ${status}`;
  if (status === 401 || status === 403) return new ModelAuthError(message, details);
  if (status === 429 && info.providerCode === "insufficient_quota")
    return new ModelBadRequestError(message, details);
  if (status === 429)
    return new ModelRateLimitError(message, { ...details, retryAfterMs: retryAfterMs(response.headers) });
  if (status === 408) return new ModelTimeoutError(message, details);
  if (status >= 500)
    return new ModelServerError(message, { ...details, retryAfterMs: retryAfterMs(response.headers) });
  return new ModelBadRequestError(message, details);
}
