import { InvalidMemoryInputError } from "./errors.ts";
import type { MemoryKind } from "./types.ts";

const MAX_NAMESPACE_LENGTH = 512;
// Printable text without control characters; segments separated by single slashes.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Throws `InvalidMemoryInputError` unless `namespace` is `/seg/seg...` with non-empty segments. */
export function assertNamespace(namespace: string): string {
  if (
    typeof namespace !== "string" ||
    !namespace.startsWith("/") ||
    namespace.length < 2 ||
    namespace.length > MAX_NAMESPACE_LENGTH ||
    namespace.endsWith("/") ||
    namespace.includes("//") ||
    CONTROL.test(namespace)
  ) {
    throw new InvalidMemoryInputError(
      `Invalid namespace ${JSON.stringify(namespace)}: expected /segment/segment (no empty segments, at most ${MAX_NAMESPACE_LENGTH} characters)`,
    );
  }
  return namespace;
}

/** A prefix filter: `/` matches everything; otherwise a namespace, with a trailing slash tolerated. */
export function normalizePrefix(prefix: string): string {
  if (prefix === "/") return "/";
  return assertNamespace(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}

const segment = (value: string): string => {
  if (value.length === 0) throw new InvalidMemoryInputError("A namespace segment may not be empty");
  return encodeURIComponent(value);
};

/** `/tenants/{t}/actors/{actor}`: the conventional root of one end user's memory (segments URI-encoded). */
export function actorNamespace(tenantId: string, actorId: string): string {
  return `/tenants/${segment(tenantId)}/actors/${segment(actorId)}`;
}

const KIND_SEGMENTS: Record<string, string> = {
  fact: "facts",
  summary: "summaries",
  preference: "preferences",
  episode: "episodes",
};

/** Where records of `kind` live under `root`: `/…/facts`, `/…/preferences`, or the custom kind itself. */
export function kindNamespace(root: string, kind: MemoryKind): string {
  return `${assertNamespace(root)}/${KIND_SEGMENTS[kind] ?? segment(kind)}`;
}
