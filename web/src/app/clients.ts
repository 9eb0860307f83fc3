import type { Client } from "@urql/core";
import { makeClient } from "../lib/client";

let current: { token: string; client: Client } | null = null;

/** The GraphQL client of a signed-in token: one per sign-in, so nothing cached outlives it. */
export function clientFor(token: string): Client {
  if (current?.token !== token) current = { token, client: makeClient() };
  return current.client;
}

export function forgetClient(): void {
  current = null;
}
