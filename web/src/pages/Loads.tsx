import { Card, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext, useMemo } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { EChart, type ChartOption } from "../components/EChart";
import { Failure, Loading, Nothing, PageTitle, residentPath } from "../components/States";
import { graphql } from "../gql";
import type { ResultOf } from "../lib/gqltypes";
import { LangContext } from "../lib/i18n";
import { loadsOf, type Load } from "../lib/loads";

const LoadsQuery = graphql(`
  query Loads($community: String!) {
    coverageAudit(community: $community) {
      careCapacity
    }
    residents(community: $community, filter: { holdsPost: true }, first: 100) {
      totalCount
      edges {
        node {
          id
          residentId
          name
          careCapacity
          careRecipients {
            id
          }
          posts {
            role
            post
          }
        }
      }
    }
    singlePointsOfFailure(community: $community, limit: 20) {
      totals
      people {
        residentId
        name
        posts
        elders
        solitary
        fixedByBackup
        resident {
          id
        }
      }
    }
  }
`);

type Spof = ResultOf<typeof LoadsQuery>["singlePointsOfFailure"]["people"][number];

export default function Loads() {
  const { community } = useViewer();
  const { m } = useContext(LangContext);
  const [{ data, error }, refetch] = useQuery({ query: LoadsQuery, variables: { community } });
  const l = m.loads;
  const loads = useMemo(
    () => (data ? loadsOf(data.residents.edges.map((e) => e.node), data.coverageAudit.careCapacity) : []),
    [data],
  );
  const shown = loads.slice(0, 40);
  const option: ChartOption = useMemo(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { data: [l.load, l.capacity] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: shown.map((x) => x.name) },
      series: [
        {
          name: l.load,
          type: "bar",
          data: shown.map((x) => ({ value: x.load, itemStyle: { color: x.overloaded ? "#cf1322" : "#0958d9" } })),
        },
        { name: l.capacity, type: "bar", data: shown.map((x) => x.capacity), itemStyle: { color: "#8c8c8c" } },
      ],
    }),
    [shown, l],
  );

  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={l.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const loadColumns: ColumnsType<Load> = [
    { title: m.uncovered.name, dataIndex: "name", render: (_, x) => <Link to={residentPath(x.id)}>{x.name}</Link> },
    { title: l.posts, dataIndex: "posts", render: (_, x) => x.posts.map((p) => m.roles[p as keyof typeof m.roles] ?? p).join("、") },
    {
      title: l.load,
      dataIndex: "load",
      render: (_, x) => (
        <span>
          {x.load} {x.overloaded && <Tag color="red">{l.overloaded}</Tag>}
        </span>
      ),
    },
    { title: l.capacity, dataIndex: "capacity" },
  ];
  const spofColumns: ColumnsType<Spof> = [
    {
      title: m.uncovered.name,
      dataIndex: "name",
      render: (_, p) => (p.resident ? <Link to={residentPath(p.resident.id)}>{p.name}</Link> : p.name),
    },
    { title: l.posts, dataIndex: "posts", render: (_, p) => p.posts.join("、") },
    { title: l.spofElders, dataIndex: "elders" },
    { title: l.spofSolitary, dataIndex: "solitary" },
    { title: l.spofBackup, dataIndex: "fixedByBackup" },
  ];
  return (
    <div className="gc-page" data-testid="loads">
      <PageTitle title={l.title} />
      <p>{l.intro}</p>
      {loads.length === 0 ? (
        <Nothing label={l.noLeaders} />
      ) : (
        <Card size="small">
          <EChart option={option} label={`${l.title}: ${shown.map((x) => `${x.name} ${x.load}/${x.capacity}`).join(", ")}`} height={Math.max(240, shown.length * 28 + 60)} />
        </Card>
      )}
      <div className="gc-table-scroll gc-section">
        <Table<Load> rowKey="id" size="small" columns={loadColumns} dataSource={loads} pagination={{ pageSize: 20 }} scroll={{ x: 560 }} />
      </div>
      <h2 className="gc-section" style={{ fontSize: 18 }}>
        {l.spofTitle}
      </h2>
      <p>{l.spofIntro}</p>
      <div className="gc-table-scroll">
        <Table<Spof>
          rowKey="residentId"
          size="small"
          columns={spofColumns}
          dataSource={data.singlePointsOfFailure.people}
          pagination={false}
          scroll={{ x: 560 }}
        />
      </div>
    </div>
  );
}
