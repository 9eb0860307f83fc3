import { Card, Col, Row, Tag, Tree as AntTree } from "antd";
import type { DataNode } from "antd/es/tree";
import { useContext, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, Nothing, PageTitle } from "../components/States";
import { UnitPeople, type UnitRef } from "../components/UnitPeople";
import { graphql } from "../gql";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext, type Messages } from "../lib/i18n";
import { comparePlaces } from "../lib/places";
import { isStaff } from "../lib/roles";

const PlacesQuery = graphql(`
  query Places($community: String!) {
    community(name: $community) {
      name
      grids {
        id
        number
        leaders {
          role
          post
          resident {
            id
            name
          }
        }
        buildings {
          id
          number
          leaders {
            role
            post
            resident {
              id
              name
            }
          }
          units {
            id
            number
            leaders {
              role
              post
              resident {
                id
                name
              }
            }
          }
        }
      }
    }
  }
`);

const PlaceCoverageQuery = graphql(`
  query PlaceCoverage($community: String!) {
    coverageAudit(community: $community) {
      coverage {
        kind
        grid
        building
        unit
        elders
        uncovered
      }
    }
  }
`);

type Leaders = NonNullable<ResultOf<typeof PlacesQuery>["community"]>["grids"][number]["leaders"];

function leaderText(leaders: Leaders, m: Messages): string {
  if (leaders.length === 0) return `${m.tree.leaders}: ${m.tree.vacant}`;
  const sorted = [...leaders].sort((a, b) => a.post.localeCompare(b.post));
  return sorted.map((l) => `${l.post}: ${l.resident?.name ?? "—"}`).join(" · ");
}

export default function Tree() {
  const viewer = useViewer();
  const { m } = useContext(LangContext);
  const [params, setParams] = useSearchParams();
  const staff = isStaff(viewer.role);
  const [{ data, error }, refetch] = useQuery({ query: PlacesQuery, variables: { community: viewer.community } });
  const [coverage] = useQuery({ query: PlaceCoverageQuery, variables: { community: viewer.community }, pause: !staff });
  const [expanded, setExpanded] = useState<React.Key[] | null>(null);

  const uncoveredAt = useMemo(() => {
    const map = new Map<string, number>();
    for (const c of coverage.data?.coverageAudit.coverage ?? []) {
      map.set([c.kind, c.grid, c.building, c.unit].join("|"), c.uncovered);
    }
    return map;
  }, [coverage.data]);

  const selected = params.get("unit");
  const place: UnitRef | null = useMemo(() => {
    const [grid, building, unit] = (selected ?? "").split("|");
    return grid && building && unit ? { grid, building, unit } : null;
  }, [selected]);

  const treeData: DataNode[] = useMemo(() => {
    const grids = [...(data?.community?.grids ?? [])].sort((a, b) => comparePlaces(a.number, b.number));
    const badge = (key: string) => {
      const n = uncoveredAt.get(key);
      return n ? <Tag color="red">{fill(m.tree.uncoveredIn, { n })}</Tag> : null;
    };
    return grids.map((g) => ({
      key: `g|${g.number}`,
      title: (
        <span>
          <strong>{fill(m.common.grid, { n: g.number })}</strong> {leaderText(g.leaders, m)} {badge(["grid", g.number, "", ""].join("|"))}
        </span>
      ),
      children: [...g.buildings]
        .sort((a, b) => comparePlaces(a.number, b.number))
        .map((b) => ({
          key: `b|${g.number}|${b.number}`,
          title: (
            <span>
              <strong>{fill(m.common.building, { n: b.number })}</strong> {leaderText(b.leaders, m)}{" "}
              {badge(["building", g.number, b.number, ""].join("|"))}
            </span>
          ),
          children: [...b.units]
            .sort((a, c) => comparePlaces(a.number, c.number))
            .map((u) => ({
              key: `${g.number}|${b.number}|${u.number}`,
              isLeaf: true,
              title: (
                <span data-testid="tree-unit">
                  <strong>{fill(m.common.unit, { n: u.number })}</strong> {leaderText(u.leaders, m)}{" "}
                  {badge(["unit", g.number, b.number, u.number].join("|"))}
                </span>
              ),
            })),
        })),
    }));
  }, [data, uncoveredAt, m]);

  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={m.tree.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const defaultExpanded = [
    ...(treeData.length <= 2 ? treeData.flatMap((g) => [g.key, ...(g.children ?? []).map((b) => b.key)]) : []),
    ...(place ? [`g|${place.grid}`, `b|${place.grid}|${place.building}`] : []),
  ];
  return (
    <div className="gc-page" data-testid="tree">
      <PageTitle title={m.tree.title} />
      <p>{m.tree.hint}</p>
      {treeData.length === 0 ? (
        <Nothing />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={10}>
            <Card size="small">
              <AntTree
                treeData={treeData}
                expandedKeys={expanded ?? defaultExpanded}
                onExpand={setExpanded}
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys, info) => {
                  if (info.node.isLeaf && keys[0]) setParams({ unit: String(keys[0]) });
                }}
                blockNode
              />
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            {place && (
              <Card
                size="small"
                title={fill(m.map.unitTitle, { building: place.building, unit: place.unit })}
                data-testid="unit-panel"
              >
                <UnitPeople community={viewer.community} place={place} />
              </Card>
            )}
          </Col>
        </Row>
      )}
    </div>
  );
}
