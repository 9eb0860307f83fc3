import { CheckCircleOutlined, ExclamationCircleOutlined, PhoneOutlined } from "@ant-design/icons";
import { useContext, useState } from "react";
import { Link } from "react-router";
import { useClient, useMutation, useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, residentPath } from "../components/States";
import { graphql } from "../gql";
import { formatDay, visitMoment } from "../lib/dates";
import { describeError, problemText } from "../lib/errors";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext } from "../lib/i18n";
import { isStaff } from "../lib/roles";

const MyDayQuery = graphql(`
  query MyDay($community: String!, $after: String) {
    myVisitsDue(within: 3) {
      tier
      lastContact
      due
      daysOverdue
      resident {
        id
        name
        age
        phone
        livesAlone
        household {
          room
          unit {
            number
            building {
              number
            }
          }
        }
      }
    }
    residents(community: $community, filter: { minAge: 60 }, orderBy: { by: AGE, descending: true }, first: 50, after: $after) {
      totalCount
      edges {
        node {
          id
          name
          age
          phone
          livesAlone
          lastContact
          household {
            room
            unit {
              number
              building {
                number
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const RecordVisit = graphql(`
  mutation RecordVisit($input: RecordVisitInput!) {
    recordVisit(input: $input) {
      __typename
      ... on VisitPayload {
        visit {
          id
        }
      }
      ... on NotFound {
        message
      }
      ... on Invalid {
        message
      }
      ... on Conflict {
        message
      }
    }
  }
`);

const WithdrawVisit = graphql(`
  mutation WithdrawVisit($id: ID!, $reason: String!) {
    withdrawVisit(id: $id, reason: $reason) {
      __typename
    }
  }
`);

type Day = ResultOf<typeof MyDayQuery>;
type Elder = NonNullable<Day["myVisitsDue"][number]["resident"]>;
type Other = Day["residents"]["edges"][number]["node"];

interface Recorded {
  visitId: string;
  text: string;
}

/** The leaders' and volunteers' phone page (适老化): who needs me today, overdue first; one tap to call or record. */
export default function MyElders() {
  const viewer = useViewer();
  const { m, lang } = useContext(LangContext);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: MyDayQuery,
    variables: { community: viewer.community, after: null },
    pause: isStaff(viewer.role),
  });
  const [, record] = useMutation(RecordVisit);
  const [, withdraw] = useMutation(WithdrawVisit);
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [more, setMore] = useState<Other[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loadingMore, setLoadingMore] = useState(false);
  const client = useClient();
  const my = m.my;

  if (isStaff(viewer.role)) {
    return (
      <div className="gc-phone">
        <p>{my.staffNote}</p>
      </div>
    );
  }

  async function visit(elder: Elder, outcome: "OK" | "NEEDS_HELP") {
    setBusy(`${elder.id}:${outcome}`);
    setProblem(null);
    const result = await record({ input: { residentId: elder.id, at: visitMoment(new Date()), outcome, mode: "HOME" } });
    setBusy(null);
    const answer = result.data?.recordVisit;
    if (result.error || !answer) {
      setProblem(problemText(describeError(result.error), m));
      return;
    }
    if (answer.__typename !== "VisitPayload") {
      setProblem(`${my.notRecorded} (${answer.message})`);
      return;
    }
    const what = outcome === "OK" ? my.visitedOk : my.needsHelp;
    setRecorded({ visitId: answer.visit.id, text: fill(my.recorded, { name: elder.name, what: ` · ${what}` }) });
    refetch({ requestPolicy: "network-only" });
  }

  async function undo(current: Recorded) {
    const result = await withdraw({ id: current.visitId, reason: my.undoReason });
    if (result.error) {
      setProblem(problemText(describeError(result.error), m));
      return;
    }
    setRecorded(null);
    setProblem(my.undone);
    refetch({ requestPolicy: "network-only" });
  }

  const greeting = fill(my.greeting, { name: viewer.residentName ?? viewer.label });
  if (!data) {
    return (
      <div className="gc-phone">
        <h1>{my.title}</h1>
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const due = data.myVisitsDue.filter((d) => d.resident);
  const dueIds = new Set(due.map((d) => d.resident!.id));
  const firstPage = data.residents.edges.map((e) => e.node);
  const seen = new Set(firstPage.map((e) => e.id));
  const others = [...firstPage, ...more.filter((e) => !seen.has(e.id))].filter((e) => !dueIds.has(e.id));
  const next = cursor === undefined ? (data.residents.pageInfo.hasNextPage ? data.residents.pageInfo.endCursor : null) : cursor;

  async function loadMore() {
    setLoadingMore(true);
    const page = await client
      .query(MyDayQuery, { community: viewer.community, after: next ?? null }, { requestPolicy: "network-only" })
      .toPromise();
    setLoadingMore(false);
    if (page.error || !page.data) {
      setProblem(problemText(describeError(page.error), m));
      return;
    }
    const residents = page.data.residents;
    setMore((shown) => [...shown, ...residents.edges.map((e) => e.node)]);
    setCursor(residents.pageInfo.hasNextPage ? (residents.pageInfo.endCursor ?? null) : null);
  }

  const card = (elder: Elder, lastContact: string | null | undefined, badge: React.ReactNode, late: boolean) => {
    const unit = elder.household?.unit;
    return (
      <article
        key={elder.id}
        className={`gc-elder${late ? " gc-late" : ""}`}
        data-testid="my-elder"
        data-resident-id={elder.id}
        aria-label={elder.name}
      >
        <div>
          <Link to={residentPath(elder.id)} className="gc-elder-name">
            {elder.name}
          </Link>
          {badge}
        </div>
        <div>
          {fill(m.common.age, { n: elder.age })}
          {elder.livesAlone ? ` · ${m.common.solitary}` : ""}
          {unit && elder.household ? ` · ${fill(m.common.addressShort, { building: unit.building?.number ?? "?", unit: unit.number, room: elder.household.room })}` : ""}
        </div>
        {lastContact ? <div>{fill(my.lastVisit, { day: formatDay(lastContact, lang) })}</div> : !badge && <div>{my.neverVisited}</div>}
        <div className="gc-actions">
          {elder.phone ? (
            <a className="gc-big gc-call" href={`tel:${elder.phone}`}>
              <PhoneOutlined aria-hidden /> {m.common.call}
            </a>
          ) : (
            <button type="button" className="gc-big" disabled>
              <PhoneOutlined aria-hidden /> {m.common.noPhone}
            </button>
          )}
          <button
            type="button"
            className="gc-big gc-ok"
            onClick={() => void visit(elder, "OK")}
            disabled={busy !== null}
            data-testid="visited-ok"
          >
            <CheckCircleOutlined aria-hidden /> {my.visitedOk}
          </button>
          <button
            type="button"
            className="gc-big gc-help"
            onClick={() => void visit(elder, "NEEDS_HELP")}
            disabled={busy !== null}
            data-testid="needs-help"
          >
            <ExclamationCircleOutlined aria-hidden /> {my.needsHelp}
          </button>
        </div>
      </article>
    );
  };

  return (
    <div className="gc-phone" data-testid="my-elders">
      <h1>{my.title}</h1>
      <p>{greeting}</p>
      {problem && (
        <p role="alert" style={{ fontWeight: 700 }}>
          {problem}
        </p>
      )}
      <h2>
        {my.dueToday} ({due.length})
      </h2>
      {due.length === 0 && <p>{my.noneDue}</p>}
      {due.map((d) =>
        card(
          d.resident!,
          d.lastContact,
          !d.lastContact ? (
            <span className="gc-badge">{my.neverVisited}</span>
          ) : d.daysOverdue > 0 ? (
            <span className="gc-badge">{fill(my.overdue, { n: d.daysOverdue })}</span>
          ) : (
            <span className="gc-badge gc-soon">{my.dueTodayBadge}</span>
          ),
          d.daysOverdue > 0 || !d.lastContact,
        ),
      )}
      <h2>
        {my.others} ({others.length})
      </h2>
      {others.length === 0 && due.length === 0 && <p>{my.empty}</p>}
      {others.map((e) => card(e, e.lastContact, null, false))}
      {next && (
        <button type="button" className="gc-big" onClick={() => void loadMore()} disabled={loadingMore} data-testid="more-elders">
          {m.common.more}
        </button>
      )}
      {(fetching || loadingMore) && <Loading />}
      {recorded && (
        <div className="gc-toast" role="status">
          <span>{recorded.text}</span>
          <button type="button" onClick={() => void undo(recorded)}>
            {my.undo}
          </button>
        </div>
      )}
    </div>
  );
}
