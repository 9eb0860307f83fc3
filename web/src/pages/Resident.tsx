import { EyeOutlined, PrinterOutlined, QrcodeOutlined, StopOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Col, Descriptions, List, Popconfirm, Row, Space, Tag } from "antd";
import { useContext, useState } from "react";
import { Link, useParams } from "react-router";
import { useClient, useMutation, useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle, residentPath } from "../components/States";
import { graphql } from "../gql";
import { formatDay } from "../lib/dates";
import { describeError, problemText } from "../lib/errors";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext, type Messages } from "../lib/i18n";
import { managesRecords } from "../lib/roles";

const ProfileQuery = graphql(`
  query ResidentProfile($id: ID!) {
    resident(id: $id) {
      id
      residentId
      name
      gender
      birthDate
      age
      livesAlone
      partyMember
      status
      phone
      careTier
      lastContact
      nextVisitDue
      household {
        id
        room
        residents {
          id
          name
          age
        }
        unit {
          number
          building {
            number
            grid {
              number
            }
          }
        }
      }
      caregivers {
        id
        name
        phone
      }
      careReceived {
        kind
        since
        until
        active
        caregiver {
          id
          name
        }
      }
      careRecipients {
        id
        name
        age
      }
      posts {
        role
        post
        since
      }
      teams {
        since
        team {
          name
        }
      }
      partyGroups {
        id
        name
      }
      consent {
        health
        qrShowContact
        qrShowMedical
        qrShowAddress
      }
      visits(first: 10) {
        totalCount
        edges {
          node {
            id
            day
            mode
            outcome
            withdrawn
            visitor {
              name
            }
          }
        }
      }
    }
  }
`);

// asked only on a click, never cached: every read is written to the access log
const SensitiveQuery = graphql(`
  query ResidentSensitive($id: ID!) {
    resident(id: $id) {
      id
      healthNotes
      emergencyContact {
        name
        phone
      }
    }
  }
`);

const IssueQr = graphql(`
  mutation IssueQr($id: ID!) {
    issueQrCode(residentId: $id) {
      __typename
      ... on QrCodePayload {
        path
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

const RevokeQr = graphql(`
  mutation RevokeQr($id: ID!) {
    revokeQrCode(residentId: $id) {
      __typename
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

type Profile = NonNullable<ResultOf<typeof ProfileQuery>["resident"]>;
type Sensitive = NonNullable<ResultOf<typeof SensitiveQuery>["resident"]>;

function yesNo(value: boolean | null | undefined, m: Messages): string {
  if (value === null || value === undefined) return m.resident.notRecorded;
  return value ? m.common.yes : m.common.no;
}

export default function ResidentPage() {
  const { id = "" } = useParams();
  const viewer = useViewer();
  const { m, lang } = useContext(LangContext);
  const [{ data, error }, refetch] = useQuery({ query: ProfileQuery, variables: { id } });
  const r = m.resident;

  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={r.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const p = data.resident;
  if (!p) {
    return (
      <div className="gc-page">
        <PageTitle title={r.title} />
        <Alert type="warning" showIcon title={r.notFound} />
      </div>
    );
  }
  const unit = p.household?.unit;
  const address = unit
    ? fill(m.common.address, {
        grid: unit.building?.grid?.number ?? "?",
        building: unit.building?.number ?? "?",
        unit: unit.number,
        room: p.household?.room ?? "?",
      })
    : m.common.unknown;
  return (
    <div className="gc-page" data-testid="resident">
      <PageTitle
        title={`${p.name} · ${fill(m.common.age, { n: p.age })}`}
        extra={
          <Space wrap>
            {p.livesAlone && <Tag color="red">{m.common.solitary}</Tag>}
            {p.age >= 60 && p.caregivers.length === 0 && <Tag color="red">{m.common.uncovered}</Tag>}
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={r.basics} size="small">
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={r.residentId}>{p.residentId}</Descriptions.Item>
              <Descriptions.Item label={r.gender}>{p.gender ? (r.genders[p.gender as "F" | "M"] ?? p.gender) : "—"}</Descriptions.Item>
              <Descriptions.Item label={r.birthDate}>{formatDay(p.birthDate, lang)}</Descriptions.Item>
              <Descriptions.Item label={r.phone}>{p.phone ? <a href={`tel:${p.phone}`}>{p.phone}</a> : m.common.noPhone}</Descriptions.Item>
              <Descriptions.Item label={r.livesAlone}>{yesNo(p.livesAlone, m)}</Descriptions.Item>
              <Descriptions.Item label={r.partyMember}>{yesNo(p.partyMember, m)}</Descriptions.Item>
              <Descriptions.Item label={r.status}>{r.statuses[p.status]}</Descriptions.Item>
              <Descriptions.Item label={r.careTier}>{m.tiers[p.careTier]}</Descriptions.Item>
              <Descriptions.Item label={r.lastContact}>{formatDay(p.lastContact, lang)}</Descriptions.Item>
              <Descriptions.Item label={r.nextVisitDue}>{formatDay(p.nextVisitDue, lang)}</Descriptions.Item>
              <Descriptions.Item label={m.uncovered.where} span={2}>
                {address}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <SensitivePanel id={p.id} />
          <Card title={r.caregivers} size="small" className="gc-section">
            <List
              size="small"
              dataSource={p.careReceived}
              locale={{ emptyText: m.common.none }}
              renderItem={(c) => (
                <List.Item>
                  <Space wrap>
                    {c.caregiver ? <Link to={residentPath(c.caregiver.id)}>{c.caregiver.name}</Link> : "—"}
                    <Tag>{r.kinds[c.kind]}</Tag>
                    {c.since && <span>{fill(r.since, { day: formatDay(c.since, lang) })}</span>}
                    {!c.active && <Tag>{formatDay(c.until, lang)}</Tag>}
                    {c.caregiver && (() => {
                      const phone = p.caregivers.find((g) => g.id === c.caregiver?.id)?.phone;
                      return phone ? <a href={`tel:${phone}`}>{phone}</a> : null;
                    })()}
                  </Space>
                </List.Item>
              )}
            />
          </Card>
          {p.careRecipients.length > 0 && (
            <Card title={r.careRecipients} size="small" className="gc-section">
              <Space wrap>
                {p.careRecipients.map((c) => (
                  <Link key={c.id} to={residentPath(c.id)}>
                    {c.name} ({fill(m.common.age, { n: c.age })})
                  </Link>
                ))}
              </Space>
            </Card>
          )}
          <Card title={r.visits} size="small" className="gc-section">
            <List
              size="small"
              dataSource={p.visits.edges.map((e) => e.node)}
              locale={{ emptyText: m.common.none }}
              renderItem={(v) => (
                <List.Item>
                  <Space wrap>
                    <span>{formatDay(v.day, lang)}</span>
                    <span>{v.visitor?.name ?? m.roles.STAFF}</span>
                    <Tag color={v.outcome === "NEEDS_HELP" || v.outcome === "EMERGENCY" ? "red" : undefined}>
                      {r.outcomes[v.outcome]}
                    </Tag>
                    {v.withdrawn && <Tag>{r.withdrawn}</Tag>}
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={r.household} size="small">
            <Space wrap>
              {(p.household?.residents ?? []).every((h) => h.id === p.id) && m.common.none}
              {(p.household?.residents ?? [])
                .filter((h) => h.id !== p.id)
                .map((h) => (
                  <Link key={h.id} to={residentPath(h.id)}>
                    {h.name} ({fill(m.common.age, { n: h.age })})
                  </Link>
                ))}
            </Space>
          </Card>
          <Card title={r.posts} size="small" className="gc-section">
            {p.posts.length === 0
              ? m.common.none
              : p.posts.map((post) => (
                  <Tag color="blue" key={`${post.role}${post.post}`}>
                    {fill(m.common.post, { role: m.roles[post.role], post: post.post })}
                  </Tag>
                ))}
            {p.teams.length > 0 && (
              <p>
                {r.teams}: {p.teams.map((t) => t.team.name).join("、")}
              </p>
            )}
            {p.partyGroups.length > 0 && (
              <p>
                {r.partyGroups}: {p.partyGroups.map((g) => g.name).join("、")}
              </p>
            )}
          </Card>
          <Card title={r.consent} size="small" className="gc-section">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={r.consentHealth}>{yesNo(p.consent.health, m)}</Descriptions.Item>
              <Descriptions.Item label={r.consentContact}>{yesNo(p.consent.qrShowContact, m)}</Descriptions.Item>
              <Descriptions.Item label={r.consentMedical}>{yesNo(p.consent.qrShowMedical, m)}</Descriptions.Item>
              <Descriptions.Item label={r.consentAddress}>{yesNo(p.consent.qrShowAddress, m)}</Descriptions.Item>
            </Descriptions>
          </Card>
          {managesRecords(viewer.role) && <QrPanel profile={p} />}
        </Col>
      </Row>
    </div>
  );
}

/** Health notes and the emergency contact: read only when asked, since every read is logged. */
function SensitivePanel({ id }: { id: string }) {
  const { m } = useContext(LangContext);
  const client = useClient();
  const [shown, setShown] = useState<Sensitive | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const r = m.resident;
  async function show() {
    setLoading(true);
    const result = await client.query(SensitiveQuery, { id }, { requestPolicy: "network-only" }).toPromise();
    setLoading(false);
    if (result.error || !result.data?.resident) {
      setProblem(problemText(describeError(result.error), m));
      return;
    }
    setShown(result.data.resident);
  }
  return (
    <Card title={r.sensitive} size="small" className="gc-section" data-testid="sensitive">
      {!shown ? (
        <Space orientation="vertical">
          <span>{r.sensitiveHint}</span>
          <Button icon={<EyeOutlined aria-hidden />} onClick={() => void show()} loading={loading} data-testid="show-sensitive">
            {r.show}
          </Button>
          {problem && <Alert type="error" showIcon title={problem} />}
        </Space>
      ) : (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={r.healthNotes}>
            <span data-testid="health-notes">{shown.healthNotes ?? m.common.none}</span>
          </Descriptions.Item>
          <Descriptions.Item label={r.emergencyContact}>
            {shown.emergencyContact ? (
              <span>
                {shown.emergencyContact.name}{" "}
                {shown.emergencyContact.phone && <a href={`tel:${shown.emergencyContact.phone}`}>{shown.emergencyContact.phone}</a>}
              </span>
            ) : (
              m.common.none
            )}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/** Issue, rotate or revoke the elder's QR code, and print its card (the token is shown this once). */
function QrPanel({ profile }: { profile: Profile }) {
  const { m } = useContext(LangContext);
  const { message } = App.useApp();
  const [, issue] = useMutation(IssueQr);
  const [, revoke] = useMutation(RevokeQr);
  const [image, setImage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const r = m.resident;

  async function issueCode() {
    setBusy(true);
    const result = await issue({ id: profile.id });
    setBusy(false);
    const answer = result.data?.issueQrCode;
    if (result.error || !answer) return message.error(problemText(describeError(result.error), m));
    if (answer.__typename !== "QrCodePayload") return message.error(answer.message);
    const { toDataURL } = await import("qrcode");
    setImage(await toDataURL(new URL(answer.path, window.location.origin).toString(), { width: 440, margin: 1 }));
    message.success(r.qrIssued);
  }

  async function revokeCode() {
    const result = await revoke({ id: profile.id });
    const answer = result.data?.revokeQrCode;
    if (result.error || !answer) return message.error(problemText(describeError(result.error), m));
    if (answer.__typename !== "QrRevoked") return message.error(answer.message);
    setImage(null);
    message.success(r.qrRevoked);
  }

  const given = profile.name.length > 1 ? profile.name.slice(1) : profile.name; // the given name only, as printed cards
  return (
    <Card title={r.qr} size="small" className="gc-section" data-testid="qr-panel">
      <Space wrap>
        <Button icon={<QrcodeOutlined aria-hidden />} onClick={() => void issueCode()} loading={busy}>
          {image ? r.qrRotate : r.qrIssue}
        </Button>
        <Popconfirm title={r.qrConfirmRevoke} onConfirm={() => void revokeCode()} okText={m.common.confirm} cancelText={m.common.cancel}>
          <Button danger icon={<StopOutlined aria-hidden />}>
            {r.qrRevoke}
          </Button>
        </Popconfirm>
        {image && (
          <Button icon={<PrinterOutlined aria-hidden />} onClick={() => window.print()}>
            {r.qrPrint}
          </Button>
        )}
      </Space>
      {image && (
        <div className="gc-qr-card gc-section">
          <strong>{r.qrCardTitle}</strong>
          <div>
            <img src={image} alt={r.qr} />
          </div>
          <div style={{ fontSize: 20, fontWeight: 700 }}>{given}</div>
          <div>{r.qrCardHint}</div>
        </div>
      )}
    </Card>
  );
}
