import { Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext } from "react";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle } from "../components/States";
import { graphql } from "../gql";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext, type Messages } from "../lib/i18n";

const PostsQuery = graphql(`
  query PostGaps($community: String!) {
    coverageAudit(community: $community) {
      gridsWithoutLeader {
        role
        grid
        building
        unit
      }
      buildingsWithoutLeader {
        role
        grid
        building
        unit
      }
      unitsWithoutLeader {
        role
        grid
        building
        unit
      }
      scopesWithoutBackup {
        role
        grid
        building
        unit
      }
    }
  }
`);

type Gap = ResultOf<typeof PostsQuery>["coverageAudit"]["gridsWithoutLeader"][number];

const ROLE_KEYS: Record<string, "GRID_LEADER" | "BUILDING_LEADER" | "UNIT_LEADER"> = {
  grid_leader: "GRID_LEADER",
  building_leader: "BUILDING_LEADER",
  unit_leader: "UNIT_LEADER",
};

function placeOf(gap: Gap, m: Messages): string {
  return [
    gap.grid && fill(m.common.grid, { n: gap.grid }),
    gap.building && fill(m.common.building, { n: gap.building }),
    gap.unit && fill(m.common.unit, { n: gap.unit }),
  ]
    .filter(Boolean)
    .join(" ");
}

export default function Posts() {
  const { community } = useViewer();
  const { m } = useContext(LangContext);
  const [{ data, error }, refetch] = useQuery({ query: PostsQuery, variables: { community } });
  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={m.posts.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const a = data.coverageAudit;
  const vacant = [...a.gridsWithoutLeader, ...a.buildingsWithoutLeader, ...a.unitsWithoutLeader];
  const columns: ColumnsType<Gap> = [
    { title: m.posts.place, key: "place", render: (_, g) => placeOf(g, m) },
    { title: m.posts.role, dataIndex: "role", render: (_, g) => m.roles[ROLE_KEYS[g.role] ?? "STAFF"] },
  ];
  const key = (g: Gap) => [g.role, g.grid, g.building, g.unit].join("|");
  return (
    <div className="gc-page" data-testid="posts">
      <PageTitle title={m.posts.title} />
      <h2 style={{ fontSize: 18 }}>
        {m.posts.vacant} ({vacant.length})
      </h2>
      <Table<Gap> rowKey={key} size="small" columns={columns} dataSource={vacant} pagination={false} locale={{ emptyText: m.posts.none }} />
      <h2 id="backup" className="gc-section" style={{ fontSize: 18 }}>
        {m.posts.unbacked} ({a.scopesWithoutBackup.length})
      </h2>
      <Table<Gap>
        rowKey={key}
        size="small"
        columns={columns}
        dataSource={a.scopesWithoutBackup}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: m.posts.none }}
      />
    </div>
  );
}
