import { Button, List, Space, Tag } from "antd";
import { useContext, useEffect, useState } from "react";
import { Link } from "react-router";
import { useClient } from "urql";
import { graphql } from "../gql";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext } from "../lib/i18n";
import { byHousehold, isUncovered } from "../lib/people";
import { Failure, Loading, Nothing, residentPath } from "./States";

const UnitPeopleQuery = graphql(`
  query UnitPeople($community: String!, $building: String!, $unit: String!, $after: String) {
    residents(community: $community, filter: { building: $building, unit: $unit }, first: 100, after: $after) {
      totalCount
      edges {
        node {
          id
          name
          age
          livesAlone
          phone
          household {
            id
            room
          }
          caregivers {
            id
          }
          posts {
            role
            post
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

type Person = ResultOf<typeof UnitPeopleQuery>["residents"]["edges"][number]["node"];

export interface UnitRef {
  grid: string;
  building: string;
  unit: string;
}

/** A unit's households and residents (as far as the caller reaches), elders marked, uncovered ones in red. */
export function UnitPeople({ community, place }: { community: string; place: UnitRef }) {
  const { m } = useContext(LangContext);
  const client = useClient();
  const [people, setPeople] = useState<Person[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "more">("loading");
  const [error, setError] = useState<unknown>(null);

  async function load(after: string | null, keep: Person[]) {
    setState(after ? "more" : "loading");
    const result = await client.query(UnitPeopleQuery, { community, building: place.building, unit: place.unit, after }, { requestPolicy: "network-only" }).toPromise();
    if (result.error || !result.data) {
      setError(result.error ?? new Error("no data"));
      setState("ready");
      return;
    }
    const page = result.data.residents;
    setPeople([...keep, ...page.edges.map((e) => e.node)]);
    setTotal(page.totalCount);
    setCursor(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
    setError(null);
    setState("ready");
  }

  useEffect(() => {
    setPeople([]);
    void load(null, []);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [community, place.grid, place.building, place.unit]);

  if (state === "loading") return <Loading label={m.tree.loadingUnit} />;
  if (error) return <Failure error={error} onRetry={() => void load(null, [])} />;
  if (people.length === 0) return <Nothing />;
  return (
    <div data-testid="unit-people">
      {byHousehold(people).map((household) => (
        <section key={household.id} aria-label={fill(m.tree.household, { room: household.room })} style={{ marginBottom: 8 }}>
          <h3 style={{ fontSize: 15, margin: "8px 0 4px" }}>{fill(m.tree.household, { room: household.room })}</h3>
          <List
            size="small"
            bordered
            dataSource={household.people}
            renderItem={(p) => {
              const uncovered = isUncovered(p);
              return (
                <List.Item data-testid="person" data-uncovered={uncovered ? "true" : "false"}>
                  <Space wrap>
                    <Link to={residentPath(p.id)} className={uncovered ? "gc-uncovered" : undefined}>
                      {p.name}
                    </Link>
                    <span>{fill(m.common.age, { n: p.age })}</span>
                    {p.age >= 60 && <Tag>{m.common.elder}</Tag>}
                    {p.livesAlone && <Tag color="red">{m.common.solitary}</Tag>}
                    {uncovered && <Tag color="red">{m.common.uncovered}</Tag>}
                    {p.posts.map((post) => (
                      <Tag color="blue" key={`${post.role}-${post.post}`}>
                        {fill(m.common.post, { role: m.roles[post.role], post: post.post })}
                      </Tag>
                    ))}
                  </Space>
                </List.Item>
              );
            }}
          />
        </section>
      ))}
      {cursor && (
        <Button onClick={() => void load(cursor, people)} loading={state === "more"}>
          {m.common.more} ({fill(m.tree.moreResidents, { n: total - people.length })})
        </Button>
      )}
    </div>
  );
}
