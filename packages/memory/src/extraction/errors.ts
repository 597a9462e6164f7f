import { SkeinError } from "@skein/core";

/** The model's answer to an extraction or consolidation prompt is not the JSON asked for. */
export class ExtractionOutputError extends SkeinError {
  /** The model's raw answer (truncated), for the job's error record and debugging. */
  readonly output: string;
  constructor(message: string, output: string) {
    super("extraction_output_invalid", `${message}; the model answered: ${output.slice(0, 200)}`);
    this.output = output.slice(0, 2000);
  }
}

/** The extractor's queue is full or the extractor was closed; the job is recorded as failed. */
export class ExtractionQueueError extends SkeinError {
  constructor(code: "extraction_queue_full" | "extractor_closed", message: string) {
    super(code, message);
  }
}
