import { SkeinError } from "@skein/core";

/** An op names a record the tenant does not have, or one whose state does not allow it. */
export class MemoryRecordNotFoundError extends SkeinError {
  readonly recordId: string;
  constructor(recordId: string, detail = "does not exist") {
    super("memory_record_not_found", `Memory record ${recordId} ${detail}`);
    this.recordId = recordId;
  }
}

export class ExtractionJobNotFoundError extends SkeinError {
  constructor(jobId: string) {
    super("extraction_job_not_found", `Extraction job ${jobId} does not exist`);
  }
}

/** Bad input to the store: an invalid namespace, empty text, a bad cursor. */
export class InvalidMemoryInputError extends SkeinError {
  constructor(message: string) {
    super("invalid_memory_input", message);
  }
}

export class VectorIndexMissingError extends SkeinError {
  constructor() {
    super(
      "vector_index_missing",
      "This memory store keeps no vectors: open it with `vectors` to search by vector",
    );
  }
}

/** A vector's size differs from the index's, or the store was opened with another embedding model. */
export class VectorDimensionError extends SkeinError {
  constructor(message: string) {
    super("vector_dimension_mismatch", message);
  }
}

/** The database was written by a newer version of this package. */
export class MemorySchemaTooNewError extends SkeinError {
  constructor(found: number, known: number) {
    super(
      "memory_schema_too_new",
      `The memory database is at schema version ${found}, newer than this package knows (${known})`,
    );
  }
}
