import { errorFromResponse, type ModelError, parseErrorBody, parseRetryAfter } from "@skein/core";

/** Maps a failed HTTP response to the typed ModelError a caller can act on (the same mapping as chat models). */
export async function embeddingHttpError(response: Response, provider: string): Promise<ModelError> {
  const info = parseErrorBody(await response.text().catch(() => ""));
  info.requestId ??= response.headers.get("x-request-id") ?? undefined;
  return errorFromResponse(response.status, info, {
    provider,
    retryAfterMs: parseRetryAfter(response.headers),
  });
}
