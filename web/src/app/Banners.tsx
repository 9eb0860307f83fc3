import { Alert, Button, Space } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { useQuery, useSubscription } from "urql";
import { graphql } from "../gql";
import { residentPath } from "../components/States";
import { formatTime } from "../lib/dates";
import { fill, useMessages } from "../lib/i18n";
import { useContext } from "react";
import { onLiveStreams } from "../lib/multipart";
import { LangContext } from "../lib/i18n";
import { useViewer } from "./viewer";

const ScansSubscription = graphql(`
  subscription Scans($community: String!) {
    qrScanned(community: $community) {
      id
      at
      residentId
      name
      repeats
    }
  }
`);

const AlertsSubscription = graphql(`
  subscription CareAlerts($community: String!) {
    careAlerts(community: $community) {
      id
      at
      residentId
      name
      outcome
    }
  }
`);

const ContactsQuery = graphql(`
  query BannerContacts($id: ID!) {
    resident(id: $id) {
      id
      phone
      caregivers {
        id
        name
        phone
      }
    }
  }
`);

interface LiveEvent {
  key: string;
  kind: "scan" | "alert";
  at: string;
  residentId: string;
  name: string;
  repeats: number;
  outcome?: string;
}

const KEEP = 5;
const STREAMS_AFTER_MS = 1500;

function keep(events: LiveEvent[] | undefined, event: LiveEvent): LiveEvent[] {
  return [event, ...(events ?? []).filter((e) => e.key !== event.key)].slice(0, KEEP);
}

/** Live alerts of the caller's reach: a QR code scanned (走失告警), a visit that found someone in need. */
export function Banners() {
  const { community } = useViewer();
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  // the streams open once the first page has had the server to itself
  const [started, setStarted] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setStarted(true), STREAMS_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  const [scans] = useSubscription({ query: ScansSubscription, variables: { community }, pause: !started }, (prev: LiveEvent[] | undefined, data) =>
    keep(prev, { key: `scan:${data.qrScanned.id}`, kind: "scan", ...data.qrScanned }),
  );
  const [alerts] = useSubscription({ query: AlertsSubscription, variables: { community }, pause: !started }, (prev: LiveEvent[] | undefined, data) =>
    keep(prev, { key: `alert:${data.careAlerts.id}`, kind: "alert", repeats: 0, ...data.careAlerts }),
  );
  const [live, setLive] = useState(0);
  useEffect(() => onLiveStreams(setLive), []);
  const events = [...(scans.data ?? []), ...(alerts.data ?? [])]
    .filter((e) => !dismissed.has(e.key))
    .sort((a, b) => b.at.localeCompare(a.at));
  return (
    <div className="gc-banners" aria-live="assertive">
      <LiveStatus open={live} />
      {events.map((event) => (
        <Banner key={event.key} event={event} onDismiss={() => setDismissed(new Set(dismissed).add(event.key))} />
      ))}
    </div>
  );
}

/** A small sign that live alerts are connected (both streams open). */
function LiveStatus({ open }: { open: number }) {
  const m = useMessages();
  if (open < 2) return null;
  return (
    <span data-testid="live-status" style={{ fontSize: 13, color: "#135200" }}>
      ● {m.banner.live}
    </span>
  );
}

function Banner({ event, onDismiss }: { event: LiveEvent; onDismiss: () => void }) {
  const m = useMessages();
  const { lang } = useContext(LangContext);
  const time = formatTime(event.at, lang);
  const title =
    event.kind === "scan"
      ? fill(m.banner.scanned, { name: event.name, time }) +
        (event.repeats > 0 ? fill(m.banner.repeats, { n: event.repeats }) : "")
      : fill(m.banner.alert, {
          name: event.name,
          time,
          outcome: m.banner.outcomes[event.outcome as keyof typeof m.banner.outcomes] ?? "",
        });
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid={event.kind === "scan" ? "scan-banner" : "alert-banner"}
      title={title}
      description={<Contacts residentId={event.residentId} />}
      action={
        <Space orientation="vertical">
          <Link to={residentPath(event.residentId)}>{m.banner.profile}</Link>
          <Button size="small" onClick={onDismiss}>
            {m.banner.dismiss}
          </Button>
        </Space>
      }
    />
  );
}

/** Whom to call: the elder and their caregivers, by phone (the family contact is on the profile, behind a click). */
function Contacts({ residentId }: { residentId: string }) {
  const m = useMessages();
  const [{ data }] = useQuery({ query: ContactsQuery, variables: { id: residentId } });
  const resident = data?.resident;
  if (!resident) return null;
  const people = [
    ...(resident.phone ? [{ id: resident.id, name: "", phone: resident.phone }] : []),
    ...resident.caregivers.filter((c) => c.phone),
  ];
  if (people.length === 0) return null;
  return (
    <span>
      {m.banner.callers}{" "}
      {people.map((p) => (
        <a key={p.id} href={`tel:${p.phone}`} style={{ marginRight: 12 }}>
          {p.name ? `${p.name} ` : ""}
          {p.phone}
        </a>
      ))}
    </span>
  );
}
