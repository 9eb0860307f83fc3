// Errors in words: what went wrong, for a person, in their language; a masked internal error keeps its request id.
import { fill, type Messages } from "./i18n";

export type ProblemKind =
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "bad-input"
  | "unavailable"
  | "deadline"
  | "internal"
  | "network";

export interface Problem {
  kind: ProblemKind;
  /** the server's own message, when it says something a person can act on */
  detail?: string;
  requestId?: string;
}

interface ErrorLike {
  message?: string;
  extensions?: Record<string, unknown>;
}

interface CombinedErrorLike {
  graphQLErrors?: ErrorLike[];
  networkError?: Error;
  response?: { status?: number };
  message?: string;
}

const CODES: Record<string, ProblemKind> = {
  UNAUTHENTICATED: "unauthenticated",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not-found",
  BAD_USER_INPUT: "bad-input",
  GRAPHQL_PARSE_FAILED: "bad-input",
  GRAPHQL_VALIDATION_FAILED: "bad-input",
  UNAVAILABLE: "unavailable",
  DEADLINE_EXCEEDED: "deadline",
  INTERNAL_SERVER_ERROR: "internal",
};

const REQUEST_ID = /request id ([0-9a-f-]+)/i;

/** One GraphQL error (or an edge refusal in its shape) as a problem. */
export function problemOfError(error: ErrorLike): Problem {
  const code = typeof error.extensions?.code === "string" ? error.extensions.code : "";
  const kind = CODES[code] ?? (REQUEST_ID.test(error.message ?? "") ? "internal" : "bad-input");
  const requestId =
    (typeof error.extensions?.requestId === "string" ? error.extensions.requestId : undefined) ??
    REQUEST_ID.exec(error.message ?? "")?.[1];
  const detail = kind === "internal" ? undefined : error.message;
  return { kind, detail, requestId };
}

/** Whatever a query, mutation or fetch failed with, as a problem. */
export function describeError(error: unknown): Problem {
  const combined = error as CombinedErrorLike | null;
  const first = combined?.graphQLErrors?.[0];
  if (first) return problemOfError(first);
  if (combined?.response?.status === 401) return { kind: "unauthenticated" };
  if (combined?.networkError || error instanceof TypeError) return { kind: "network" };
  return { kind: "internal", detail: undefined };
}

/** The sentence a person reads. */
export function problemText(problem: Problem, m: Messages): string {
  const parts = [m.problems[problem.kind]];
  if (problem.detail && problem.kind !== "network") parts.push(`(${problem.detail})`);
  if (problem.requestId) parts.push(fill(m.problems.requestId, { id: problem.requestId }));
  return parts.join(" ");
}
