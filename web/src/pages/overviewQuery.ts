import type { RequestPolicy } from "urql";
import { graphql } from "../gql";

/** The overview's figures: the coverage audit's totals (those of `gridcare audit --format json`). */
export const OverviewQuery = graphql(`
  query Overview($community: String!) {
    coverageAudit(community: $community) {
      asOf
      totals
    }
  }
`);

/**
 * The home-service requests waiting for someone (待接单), counted without reading one: a request of its own, so the
 * audit (the heavy one) is neither delayed nor held to a shared deadline by it.
 */
export const OpenRequestsQuery = graphql(`
  query OpenRequests($community: String!) {
    serviceRequests(community: $community, filter: { status: REQUESTED }, first: 0) {
      totalCount
    }
  }
`);

let prefetchedAt = 0;
const FRESH_MS = 10_000;

export function markPrefetched(): void {
  prefetchedAt = Date.now();
}

/** Use what the page load fetched ahead (seconds old at most), else show the cache and ask again. */
export function overviewPolicy(): RequestPolicy {
  return Date.now() - prefetchedAt < FRESH_MS ? "cache-first" : "cache-and-network";
}
