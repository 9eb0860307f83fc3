import { ReloadOutlined } from "@ant-design/icons";
import { App, Button, Space } from "antd";
import { useContext, useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, Nothing, PageTitle, residentPath } from "../components/States";
import { graphql } from "../gql";
import { byDeadline, changesOpenRequests } from "../lib/cases";
import { formatDay, formatTime } from "../lib/dates";
import { describeError, problemText } from "../lib/errors";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext } from "../lib/i18n";
import { attemptKey, refusalText } from "../lib/refusals";
import { dispatchesForOthers } from "../lib/roles";

const SHOWN = 50;

const BoardQuery = graphql(`
  query DispatchBoard($community: String!, $first: Int!) {
    serviceRequests(community: $community, filter: { status: REQUESTED }, first: $first) {
      totalCount
      edges {
        node {
          id
          kind
          asker
          requestedAt
          wantedFrom
          wantedUntil
          grid
          building
          unit
          note
          elder {
            id
            name
          }
        }
      }
    }
  }
`);

const SuggestionsQuery = graphql(`
  query DispatchSuggestions($id: ID!) {
    dispatchSuggestions(requestId: $id, first: 5) {
      rank
      name
      team
      fits
      proximity
      openWork
      reason
      providerId
    }
  }
`);

const BoardNews = graphql(`
  subscription DispatchBoardNews($community: String!) {
    serviceBoard(community: $community) {
      id
      caseKind
      caseId
      action
      status
    }
  }
`);

const AcceptMutation = graphql(`
  mutation AcceptRequest($id: ID!, $providerId: ID, $key: String) {
    acceptRequest(id: $id, providerId: $providerId, idempotencyKey: $key) {
      __typename
      ... on RequestPayload {
        request {
          id
          status
        }
      }
      ... on NotFound {
        message
      }
      ... on Invalid {
        message
        field
        reason
      }
      ... on Conflict {
        message
        reason
      }
      ... on IllegalTransition {
        message
        status
        action
        reason
      }
    }
  }
`);

type Request = ResultOf<typeof BoardQuery>["serviceRequests"]["edges"][number]["node"];

/** 派单: the open home-service requests, live; staff and leaders give each to a suggested volunteer, a volunteer takes one. */
export default function Dispatch() {
  const { community, role } = useViewer();
  const { m } = useContext(LangContext);
  const d = m.dispatch;
  const [{ data, error, fetching }, refetch] = useQuery({ query: BoardQuery, variables: { community, first: SHOWN } });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const [news] = useSubscription({ query: BoardNews, variables: { community }, pause: !data });
  const latest = news.data?.serviceBoard;
  useEffect(() => {
    if (latest && changesOpenRequests(latest)) refetch({ requestPolicy: "network-only" });
  }, [latest, refetch]);
  const requests = useMemo(() => byDeadline((data?.serviceRequests.edges ?? []).map((e) => e.node)), [data]);
  const total = data?.serviceRequests.totalCount ?? 0;

  return (
    <div className="gc-page" data-testid="dispatch">
      <PageTitle
        title={d.title}
        extra={
          <button type="button" className="gc-button" onClick={refresh} disabled={fetching}>
            <ReloadOutlined aria-hidden spin={fetching} /> {m.common.refresh}
          </button>
        }
      />
      <p>{dispatchesForOthers(role) ? d.intro : d.introVolunteer}</p>
      {error && <Failure error={error} onRetry={refresh} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <p>
            <strong data-testid="open-count">{fill(d.open, { n: total })}</strong>
            {total > requests.length && ` · ${fill(d.shown, { n: requests.length })}`}
            {news.data && !news.error && <span className="gc-muted"> · ● {d.live}</span>}
          </p>
          {requests.length === 0 ? (
            <Nothing label={d.none} />
          ) : (
            <ul className="gc-cards">
              {requests.map((request) => (
                <RequestCard key={request.id} request={request} onChanged={refresh} />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function RequestCard({ request, onChanged }: { request: Request; onChanged: () => void }) {
  const { role } = useViewer();
  const { m, lang } = useContext(LangContext);
  const d = m.dispatch;
  const [open, setOpen] = useState(false);
  const kind = d.kinds[request.kind];
  const place = fill(d.where, { grid: request.grid ?? "—", building: request.building ?? "—", unit: request.unit ?? "—" });
  return (
    <li className="gc-card" data-testid="request-card" data-request-id={request.id}>
      <Space wrap size={[8, 4]}>
        <strong className="gc-kind">{kind}</strong>
        {request.elder ? <Link to={residentPath(request.elder.id)}>{request.elder.name}</Link> : null}
        <span>{place}</span>
      </Space>
      <div className="gc-muted">
        {fill(d.askedBy, { asker: d.askers[request.asker], day: formatDay(request.requestedAt.slice(0, 10), lang) })} ·{" "}
        {fill(d.wanted, { from: formatTime(request.wantedFrom, lang), until: formatTime(request.wantedUntil, lang) })}
      </div>
      {request.note && <div>{fill(d.note, { note: request.note })}</div>}
      <div className="gc-card-actions">
        {dispatchesForOthers(role) ? (
          <Button onClick={() => setOpen(!open)} aria-expanded={open} data-testid="show-suggestions">
            {open ? d.hideSuggest : d.suggest}
          </Button>
        ) : (
          <AcceptButton request={request} label={d.accept} onChanged={onChanged} done={fill(d.accepted, { kind })} />
        )}
      </div>
      {open && <Suggestions request={request} onChanged={onChanged} />}
    </li>
  );
}

function Suggestions({ request, onChanged }: { request: Request; onChanged: () => void }) {
  const { m } = useContext(LangContext);
  const d = m.dispatch;
  const [{ data, error }] = useQuery({ query: SuggestionsQuery, variables: { id: request.id }, requestPolicy: "network-only" });
  if (error) return <Failure error={error} />;
  if (!data) return <Loading />;
  const suggestions = data.dispatchSuggestions;
  if (suggestions.length === 0) return <p>{d.noSuggestions}</p>;
  const kind = d.kinds[request.kind];
  return (
    <ol className="gc-suggestions" data-testid="suggestions">
      {suggestions.map((s) => (
        <li key={s.providerId} data-testid="suggestion">
          <span>
            <strong>{s.name}</strong> {s.fits && <span className="gc-fits">{d.fits}</span>}
            <span className="gc-muted">{s.reason}</span>
          </span>
          <AcceptButton
            request={request}
            providerId={s.providerId}
            label={fill(d.assign, { name: s.name })}
            done={fill(d.assigned, { name: s.name, kind })}
            onChanged={onChanged}
          />
        </li>
      ))}
    </ol>
  );
}

interface AcceptProps {
  request: Request;
  providerId?: string;
  label: string;
  done: string;
  onChanged: () => void;
}

/** acceptRequest, for the caller or on behalf of a volunteer; a refusal is said in words and changes nothing. */
function AcceptButton({ request, providerId, label, done, onChanged }: AcceptProps) {
  const { m } = useContext(LangContext);
  const { message } = App.useApp();
  const [key] = useState(() => attemptKey("accept"));
  const [{ fetching }, accept] = useMutation(AcceptMutation);
  async function go() {
    const result = await accept({ id: request.id, providerId: providerId ?? null, key });
    const answer = result.data?.acceptRequest;
    if (result.error || !answer) {
      message.error(problemText(describeError(result.error), m));
    } else if (answer.__typename === "RequestPayload") {
      message.success(done);
    } else {
      message.error(refusalText(answer, m));
    }
    onChanged();
  }
  return (
    <Button type="primary" loading={fetching} onClick={() => void go()} data-testid="accept-request">
      {label}
    </Button>
  );
}
