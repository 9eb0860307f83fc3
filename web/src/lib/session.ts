// The sign-in token lives in sessionStorage only: never in a URL, a cookie, localStorage or a log.
// Signing out (or the server refusing the token) forgets it and says why on the sign-in page.

export type SignOutReason = "user" | "expired" | "revoked" | "invalid";

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const TOKEN = "gridcare.token";
const REASON = "gridcare.signedOut";
const COMMUNITY = "gridcare.community";
const VIEWER = "gridcare.viewer"; // who the token is (role, community…): no secret, so the next page needs no wait
const TOKEN_SHAPE = /^gc_[A-Za-z0-9_-]{20,200}$/;

type Listener = (reason: SignOutReason) => void;
const listeners = new Set<Listener>();

function storage(): KeyValueStore {
  return globalThis.sessionStorage;
}

/** What the user pasted, as a token: trimmed, a leading "Bearer " dropped; null when it cannot be one. */
export function normaliseToken(input: string): string | null {
  const token = input.trim().replace(/^bearer\s+/i, "").trim();
  return TOKEN_SHAPE.test(token) ? token : null;
}

export function readToken(store: KeyValueStore = storage()): string | null {
  return store.getItem(TOKEN);
}

export function signIn(token: string, store: KeyValueStore = storage()): void {
  store.setItem(TOKEN, token);
  store.removeItem(REASON);
}

/** Forget the token (and the community chosen) and tell the app, which shows the sign-in page. */
export function signOut(reason: SignOutReason, store: KeyValueStore = storage()): void {
  const hadToken = store.getItem(TOKEN) !== null;
  store.removeItem(TOKEN);
  store.removeItem(COMMUNITY);
  store.removeItem(VIEWER);
  if (reason !== "user") store.setItem(REASON, reason);
  else store.removeItem(REASON);
  if (hadToken || reason !== "user") listeners.forEach((listener) => listener(reason));
}

/** Why the last session ended, if the server ended it (shown once on the sign-in page). */
export function lastSignOutReason(store: KeyValueStore = storage()): SignOutReason | null {
  const reason = store.getItem(REASON);
  return reason === "expired" || reason === "revoked" || reason === "invalid" ? reason : null;
}

export function onSignOut(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The reason a 401 answer gives (`{"error": "token revoked"}` …), as a sign-out reason. */
export function reasonOf401(error: string | undefined): SignOutReason {
  if (error?.includes("revoked")) return "revoked";
  if (error?.includes("expired")) return "expired";
  return "invalid";
}

/** The caller as `me` last said, kept for this tab (so a reload shows the page at once); null if unknown. */
export function cachedViewer<T>(store: KeyValueStore = storage()): T | null {
  try {
    return JSON.parse(store.getItem(VIEWER) ?? "null") as T | null;
  } catch {
    return null;
  }
}

export function cacheViewer(viewer: unknown, store: KeyValueStore = storage()): void {
  store.setItem(VIEWER, JSON.stringify(viewer));
}

export function chosenCommunity(store: KeyValueStore = storage()): string | null {
  return store.getItem(COMMUNITY);
}

export function chooseCommunity(name: string, store: KeyValueStore = storage()): void {
  store.setItem(COMMUNITY, name);
}
