// The dispatch board's own logic: which requests come first, and whether a board event changes the list.

export interface OpenRequest {
  id: string;
  wantedUntil: string;
  requestedAt: string;
}

/** The requests about to expire first (their wanted window ends soonest); asked earlier first among equals. */
export function byDeadline<T extends OpenRequest>(requests: readonly T[]): T[] {
  return [...requests].sort(
    (a, b) => Date.parse(a.wantedUntil) - Date.parse(b.wantedUntil) || Date.parse(a.requestedAt) - Date.parse(b.requestedAt),
  );
}

/** A service-board event changes the list of open requests: any request asked, taken, cancelled or expired. */
export function changesOpenRequests(event: { caseKind: string; action: string }): boolean {
  return event.caseKind === "request";
}
