import { ReloadOutlined } from "@ant-design/icons";
import { useContext } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle } from "../components/States";
import { formatDay } from "../lib/dates";
import { describeError, problemText } from "../lib/errors";
import { figuresOf, percent } from "../lib/figures";
import { fill, LangContext } from "../lib/i18n";
import { OpenRequestsQuery, OverviewQuery, overviewPolicy } from "./overviewQuery";

interface FigureProps {
  label: string;
  value: number | string;
  to?: string;
  testId?: string;
  alarm?: boolean;
  note?: string;
}

/** One figure: the number alone in its element (tools read it by `data-testid`), a link to its list. */
function Figure({ label, value, to, testId, alarm, note }: FigureProps) {
  const body = (
    <>
      <div className="gc-figure-label">{label}</div>
      <div className="gc-figure-value" data-testid={testId}>
        {value}
      </div>
      {note && <div className="gc-figure-note">{note}</div>}
    </>
  );
  const className = `gc-figure${alarm ? " gc-alarm" : ""}`;
  return to ? (
    <Link to={to} className={className}>
      {body}
    </Link>
  ) : (
    <div className={className}>{body}</div>
  );
}

export default function Overview() {
  const { community } = useViewer();
  const { m, lang } = useContext(LangContext);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: OverviewQuery,
    variables: { community },
    requestPolicy: overviewPolicy(),
  });
  // asked once the audit's figures are in: the first figures do not share the server with it
  const [requests, refetchRequests] = useQuery({ query: OpenRequestsQuery, variables: { community }, pause: !data });
  const audit = data?.coverageAudit;
  const refresh = () => {
    refetch({ requestPolicy: "network-only" });
    refetchRequests({ requestPolicy: "network-only" });
  };
  const title = (
    <PageTitle
      title={`${m.overview.title} · ${community}`}
      extra={
        <button type="button" className="gc-button" onClick={refresh} disabled={fetching}>
          <ReloadOutlined aria-hidden spin={fetching} /> {m.common.refresh}
        </button>
      }
    />
  );
  if (!audit) {
    return (
      <div className="gc-page">
        {title}
        {error ? <Failure error={error} onRetry={refresh} /> : <Loading />}
      </div>
    );
  }
  const f = figuresOf(audit.totals);
  const openRequests = requests.data?.serviceRequests.totalCount;
  const o = m.overview;
  return (
    <div className="gc-page" data-testid="overview">
      {title}
      {error && <Failure error={error} onRetry={refresh} />}
      <p>
        {fill(m.common.asOf, { day: formatDay(audit.asOf, lang) })} ·{" "}
        {fill(o.places, { grids: f.grids, buildings: f.buildings, units: f.units })}
      </p>
      <section aria-label={o.coverage}>
        <div className="gc-figures">
          <Figure label={o.uncoveredElders} value={f.uncoveredElders} to="/uncovered" testId="uncovered-elders" alarm={f.uncoveredElders > 0} note={o.seeList} />
          <Figure label={o.solitaryUncovered} value={f.solitaryUncovered} to="/uncovered?solitary=1" testId="solitary-uncovered" alarm={f.solitaryUncovered > 0} note={o.seeList} />
          <Figure
            label={o.overdueVisits}
            value={f.overdueVisits ?? "—"}
            to="/overdue"
            testId={f.overdueVisits === null ? undefined : "overdue-visits"}
            alarm={(f.overdueVisits ?? 0) > 0}
            note={f.overdueVisits === null ? o.visitsPending : o.seeList}
          />
          <Figure
            label={o.openRequests}
            value={openRequests ?? "…"}
            to="/dispatch"
            testId={openRequests === undefined ? undefined : "open-requests"}
            alarm={(openRequests ?? 0) > 0}
            note={requests.error ? problemText(describeError(requests.error), m) : o.seeList}
          />
          <Figure label={o.vacantPosts} value={f.vacantPosts} to="/posts" testId="vacant-posts" alarm={f.vacantPosts > 0} note={o.seeList} />
          <Figure label={o.unbackedPosts} value={f.unbackedPosts} to="/posts#backup" testId="unbacked-posts" note={o.seeList} />
          <Figure label={o.overloadedLeaders} value={f.overloadedLeaders} to="/loads" testId="overloaded-leaders" note={o.seeList} />
        </div>
      </section>
      <section className="gc-section" aria-label={o.coverageRate}>
        <div className="gc-figures">
          <Figure label={o.coverageRate} value={`${percent(f.coveredElders, f.elders)}%`} testId="coverage-rate" />
          {f.contactRate !== null && (
            <Figure label={o.contactRate} value={`${Math.round(f.contactRate * 100)}%`} testId="contact-rate" />
          )}
          <Figure label={o.coveredElders} value={f.coveredElders} testId="covered-elders" />
          <Figure label={o.elders} value={f.elders} testId="elders" />
          <Figure label={o.solitaryElders} value={f.solitaryElders} testId="solitary-elders" />
          <Figure label={o.residents} value={f.residents} testId="residents" />
          <Figure label={o.households} value={f.households} testId="households" />
        </div>
      </section>
    </div>
  );
}
