import { SkeinError } from "@skein/core";

/** RFC 9457 problem details, plus Skein's stable machine-readable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extension: string]: unknown;
}

/** An error that becomes a problem+json response with this status. */
export class HttpError extends SkeinError {
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, detail, { cause: options.cause });
    this.status = status;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** HTTP status of the typed errors the store and the core throw, by code. */
const statusByCode: Record<string, number> = {
  already_exists: 409,
  session_not_found: 404,
  run_not_found: 404,
  tenant_not_found: 404,
  session_busy: 409,
  invalid_run_transition: 409,
  run_not_active: 409,
  invalid_cursor: 400,
  fork_point_out_of_range: 400,
  model_not_configured: 503,
};

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** `type` is a URN per code: stable and dereferenceable by documentation, never by a made-up host. */
export const problemType = (code: string): string => `urn:skein:problem:${code}`;

export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { type: problemType(code), title: titles[status] ?? "Error", status, detail, code, ...extensions };
}

export function problemResponse(body: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/**
 * Maps any thrown value to a problem. Known codes keep their message; anything else is a 500 whose detail says
 * nothing about internals (the log has them).
 */
export function problemFromError(error: unknown): { body: Problem; headers: Record<string, string> } {
  if (error instanceof HttpError)
    return {
      body: problem(error.status, error.code, error.message, error.extensions),
      headers: error.headers,
    };
  if (error instanceof SkeinError && statusByCode[error.code] !== undefined)
    return { body: problem(statusByCode[error.code]!, error.code, error.message), headers: {} };
  return { body: problem(500, "internal_error", "The server failed to handle the request."), headers: {} };
}
