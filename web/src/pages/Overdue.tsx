import { Alert, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle, residentPath } from "../components/States";
import { graphql } from "../gql";
import { formatDay } from "../lib/dates";
import type { ResultOf } from "../lib/gqltypes";
import { LangContext } from "../lib/i18n";

const OverdueQuery = graphql(`
  query Overdue($community: String!) {
    coverageAudit(community: $community) {
      asOf
      visits {
        contactRate30d
        coveredButOverdue
        overdue {
          residentId
          name
          tier
          lastContact
          daysSince
          due
          resident {
            id
          }
        }
      }
    }
  }
`);

type Row = ResultOf<typeof OverdueQuery>["coverageAudit"]["visits"]["overdue"][number];

/** Elders of the visiting programme past their cadence: high risk first, never contacted first within a tier. */
export default function Overdue() {
  const { community } = useViewer();
  const { m, lang } = useContext(LangContext);
  const [{ data, error }, refetch] = useQuery({ query: OverdueQuery, variables: { community } });
  const o = m.overdue;
  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={o.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const visits = data.coverageAudit.visits;
  const columns: ColumnsType<Row> = [
    {
      title: m.uncovered.name,
      dataIndex: "name",
      render: (_, r) => (r.resident ? <Link to={residentPath(r.resident.id)}>{r.name}</Link> : r.name),
    },
    {
      title: o.tier,
      dataIndex: "tier",
      render: (_, r) => <Tag color={r.tier === "HIGH" ? "red" : undefined}>{m.tiers[r.tier]}</Tag>,
    },
    { title: o.lastContact, dataIndex: "lastContact", render: (_, r) => (r.lastContact ? formatDay(r.lastContact, lang) : o.never) },
    { title: o.daysOverdue, dataIndex: "daysSince", render: (_, r) => r.daysSince ?? "—" },
  ];
  return (
    <div className="gc-page" data-testid="overdue">
      <PageTitle title={`${o.title} (${visits.overdue.length})`} />
      <p>{o.intro}</p>
      {visits.contactRate30d !== null && visits.contactRate30d !== undefined && (
        <Alert type="info" showIcon title={`${m.overview.contactRate}: ${Math.round(visits.contactRate30d * 100)}%`} style={{ marginBottom: 12 }} />
      )}
      <div className="gc-table-scroll">
        <Table<Row> rowKey="residentId" size="small" columns={columns} dataSource={visits.overdue} pagination={{ pageSize: 50 }} />
      </div>
    </div>
  );
}
