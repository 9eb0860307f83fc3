// The GraphQL client: urql over POST /graphql with the session's bearer token; subscriptions over multipart HTTP.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { streamSubscription } from "./multipart";
import { readToken, reasonOf401, signOut } from "./session";

export const GRAPHQL = "/graphql";

/**
 * fetch with the token, and with the HTTP edge's refusals (`{"error", "request_id"}` with 401, 403, 500, 503…)
 * turned into GraphQL errors, so every failure reaches the page the same way. A 401 signs out.
 */
export const authFetch: typeof fetch = async (input, init) => {
  const token = readToken();
  const headers = new Headers(init?.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(input, { ...init, headers });
  if (response.ok) return response;
  const text = await response.text();
  const answer = parseJson(text) as { errors?: unknown; error?: string; request_id?: string };
  if (response.status === 401) signOut(reasonOf401(answer.error));
  if (Array.isArray(answer.errors)) {
    // GraphQL's own answer (a 503 while Neo4j is away holds `errors`): passed on as it is
    return new Response(text, { status: response.status, headers: { "Content-Type": "application/json" } });
  }
  return graphqlRefusal(response.status, answer.error ?? response.statusText, answer.request_id);
};

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const STATUS_CODES: Record<number, string> = {
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  503: "UNAVAILABLE",
};

export function graphqlRefusal(status: number, message: string, requestId?: string): Response {
  const code = STATUS_CODES[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_USER_INPUT");
  const body = { data: null, errors: [{ message, extensions: { code, requestId, status } }] };
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export function makeClient(): Client {
  return new Client({
    url: GRAPHQL,
    fetch: authFetch,
    preferGetMethod: false, // the service takes operations by POST only
    requestPolicy: "cache-and-network",
    exchanges: [
      cacheExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: streamSubscription(authFetch, GRAPHQL, request, {
              next: (part) => sink.next(part as Parameters<typeof sink.next>[0]),
              error: (error) => sink.error(error),
              complete: () => sink.complete(),
            }),
          }),
        }),
      }),
      fetchExchange,
    ],
  });
}
