/** What each benchmark returns to `run.ts`: a markdown section and its raw figures. */
export interface Section {
  id: string;
  title: string;
  /** The command that reproduces this section alone. */
  command: string;
  markdown: string;
  data: unknown;
}

export interface BenchOptions {
  quick: boolean;
}

/** Prints progress to stderr, so stdout stays the results. */
export const log = (message: string): void => {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
};
