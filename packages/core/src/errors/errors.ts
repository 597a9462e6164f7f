/** Every error Skein throws carries a stable, machine-readable `code`. */
export class SkeinError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface ModelErrorDetails {
  provider?: string;
  status?: number;
  requestId?: string;
  /** The provider's own error code, e.g. `data_inspection_failed`. */
  providerCode?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failure at the model boundary. `retryable` tells the retry plugin whether another attempt may succeed. */
export class ModelError extends SkeinError {
  readonly retryable: boolean = false;
  readonly provider?: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly providerCode?: string;
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, details: ModelErrorDetails = {}) {
    super(code, message, { cause: details.cause });
    this.provider = details.provider;
    this.status = details.status;
    this.requestId = details.requestId;
    this.providerCode = details.providerCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export class ModelAuthError extends ModelError {
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_auth", message, details);
  }
}

export class ModelRateLimitError extends ModelError {
  override readonly retryable = true;
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_rate_limited", message, details);
  }
}

export class ContextLengthExceededError extends ModelError {
  constructor(message: string, details?: ModelErrorDetails) {
    super("context_length_exceeded", message, details);
  }
}

export class ContentFilteredError extends ModelError {
  constructor(message: string, details?: ModelErrorDetails) {
    super("content_filtered", message, details);
  }
}

export class ModelServerError extends ModelError {
  override readonly retryable = true;
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_server_error", message, details);
  }
}

export class ModelNetworkError extends ModelError {
  override readonly retryable = true;
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_network_error", message, details);
  }
}

/** Connect, first-byte or idle-stream deadline passed. */
export class ModelTimeoutError extends ModelError {
  override readonly retryable = true;
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_timeout", message, details);
  }
}

export class ModelBadRequestError extends ModelError {
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_bad_request", message, details);
  }
}

/** The provider answered with something that is not its documented wire format. */
export class ModelResponseError extends ModelError {
  override readonly retryable = true;
  constructor(message: string, details?: ModelErrorDetails) {
    super("model_invalid_response", message, details);
  }
}

export class ModelNotConfiguredError extends SkeinError {
  constructor(message: string) {
    super("model_not_configured", message);
  }
}

export class ToolError extends SkeinError {}

/** A run was cancelled through its AbortSignal. */
export class RunCancelledError extends SkeinError {
  constructor(message = "The run was cancelled") {
    super("run_cancelled", message);
  }
}

export const isAbortError = (error: unknown): boolean =>
  error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
