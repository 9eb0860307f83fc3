import { Button, Result } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useQuery } from "urql";
import { MeQuery } from "./me";
import { describeError, problemText } from "../lib/errors";
import { useMessages } from "../lib/i18n";
import type { Role } from "../lib/roles";
import type { ResultOf } from "../lib/gqltypes";
import { cachedViewer, cacheViewer, chooseCommunity, chosenCommunity, signOut } from "../lib/session";
import { Routes } from "./Routes";
import { ViewerContext, type Viewer } from "./viewer";



/** Who is signed in (`me`), then the console for their role. */
export function Session() {
  const m = useMessages();
  const [{ data: fresh, fetching, error }, refetch] = useQuery({ query: MeQuery, requestPolicy: "network-only" });
  const [chosen, setChosen] = useState<string | null>(chosenCommunity);
  // a reload of the tab starts on what `me` said last, while it is asked again
  const data = fresh ?? cachedViewer<ResultOf<typeof MeQuery>>();
  useEffect(() => {
    if (fresh?.me) cacheViewer(fresh);
  }, [fresh]);

  const viewer = useMemo<Viewer | null>(() => {
    const me = data?.me;
    if (!me) return null;
    const names = data.communities.map((c) => c.name);
    const community = me.community ?? (chosen && names.includes(chosen) ? chosen : names[0]) ?? "";
    return {
      role: me.role as Role,
      label: me.label,
      community,
      scope: me.scope ?? null,
      residentId: me.resident?.id ?? null,
      residentName: me.resident?.name ?? null,
      communities: me.community ? [me.community] : names,
      chooseCommunity: (name: string) => {
        chooseCommunity(name);
        setChosen(name);
      },
    };
  }, [data, chosen]);

  if (fetching && !data) {
    return (
      <div style={{ display: "grid", placeItems: "center", minHeight: "60vh" }} role="status">
        <span className="gc-spinner" aria-hidden />
        <span>{m.common.loading}</span>
      </div>
    );
  }
  if (!viewer) {
    return (
      <Result
        status="error"
        title={error ? problemText(describeError(error), m) : m.problems.unauthenticated}
        extra={[
          <Button key="retry" type="primary" onClick={() => refetch({ requestPolicy: "network-only" })}>
            {m.common.retry}
          </Button>,
          <Button key="out" onClick={() => signOut("user")}>
            {m.nav.signOut}
          </Button>,
        ]}
      />
    );
  }
  return (
    <ViewerContext.Provider value={viewer}>
      <Routes />
    </ViewerContext.Provider>
  );
}
