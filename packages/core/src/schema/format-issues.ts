import type { SchemaIssue } from "./schema.ts";

/** One short line per issue, in a form a model can act on: `/path: message`. */
export function formatIssues(issues: readonly SchemaIssue[], max = 10): string {
  const lines = issues.slice(0, max).map((issue) => `${issue.path || "(root)"}: ${issue.message}`);
  if (issues.length > max) lines.push(`... and ${issues.length - max} more`);
  return lines.join("; ");
}
