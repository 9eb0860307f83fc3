import type { ResultOf } from "../lib/gqltypes";
import { isStaff, type Role } from "../lib/roles";
import { cachedViewer, chosenCommunity, readToken } from "../lib/session";
import { markPrefetched, OverviewQuery } from "../pages/overviewQuery";
import { clientFor } from "./clients";
import type { MeQuery } from "./me";

/**
 * A signed-in tab opening the overview asks for its figures at once, before the page is drawn (what `me` said
 * at sign-in is kept in the tab, so nothing needs to be asked first).
 */
export function prefetchFirstPage(): void {
  const token = readToken();
  const viewer = cachedViewer<ResultOf<typeof MeQuery>>();
  const me = viewer?.me;
  if (!token || !me || !isStaff(me.role as Role)) return;
  if (window.location.pathname !== "/" && window.location.pathname !== "/overview") return;
  const names = viewer.communities.map((c) => c.name);
  const chosen = chosenCommunity();
  const community = me.community ?? (chosen && names.includes(chosen) ? chosen : names[0]);
  if (!community) return;
  markPrefetched();
  void clientFor(token).query(OverviewQuery, { community }).toPromise();
}
