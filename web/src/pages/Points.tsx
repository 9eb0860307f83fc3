import { App, Button, Popconfirm, Select, Space, Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext, useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle, residentPath } from "../components/States";
import { graphql } from "../gql";
import { describeError, problemText } from "../lib/errors";
import type { ResultOf } from "../lib/gqltypes";
import { fill, LangContext } from "../lib/i18n";
import { attemptKey, refusalText } from "../lib/refusals";
import { redeemsForAnyone } from "../lib/roles";

const PointsQuery = graphql(`
  query PointsBoard($community: String!) {
    pointsRanking(community: $community, first: 20) {
      rank
      earned
      times
      resident {
        id
        name
      }
    }
    gifts(community: $community) {
      id
      name
      points
      stock
    }
  }
`);

const BalanceQuery = graphql(`
  query PointsBalance($id: ID!) {
    pointsStatement(residentId: $id) {
      balance
    }
  }
`);

const FindQuery = graphql(`
  query FindResident($community: String!, $name: String!) {
    residents(community: $community, filter: { nameContains: $name }, first: 10) {
      edges {
        node {
          id
          name
          household {
            room
          }
          unit {
            number
            building {
              number
            }
          }
        }
      }
    }
  }
`);

const RedeemMutation = graphql(`
  mutation RedeemGift($residentId: ID!, $giftId: ID!, $key: String!) {
    redeemGift(residentId: $residentId, giftId: $giftId, idempotencyKey: $key) {
      __typename
      ... on MovementPayload {
        movement {
          id
          amount
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
      ... on InsufficientPoints {
        message
        balance
        needed
      }
      ... on OutOfStock {
        message
        gift
      }
    }
  }
`);

type Entry = ResultOf<typeof PointsQuery>["pointsRanking"][number];
type Gift = ResultOf<typeof PointsQuery>["gifts"][number];
interface Person {
  id: string;
  name: string;
}

/** 积分: the year's ranking and the gift shelf; staff redeem for any resident, everyone else for themselves. */
export default function Points() {
  const viewer = useViewer();
  const { m } = useContext(LangContext);
  const p = m.points;
  const [{ data, error }, refetch] = useQuery({ query: PointsQuery, variables: { community: viewer.community } });
  const self = viewer.residentId ? { id: viewer.residentId, name: viewer.residentName ?? "" } : null;
  const forAnyone = redeemsForAnyone(viewer.role);
  const [chosen, setChosen] = useState<Person | null>(forAnyone ? null : self);
  const refresh = () => refetch({ requestPolicy: "network-only" });

  if (error) return <Failure error={error} onRetry={refresh} />;
  if (!data) return <Loading />;
  const ranking: ColumnsType<Entry> = [
    { title: p.rank, dataIndex: "rank", width: 70 },
    {
      title: p.name,
      render: (_, e) => (e.resident ? <Link to={residentPath(e.resident.id)}>{e.resident.name}</Link> : p.outOfReach),
    },
    { title: p.earned, dataIndex: "earned", width: 110 },
    { title: p.times, dataIndex: "times", width: 80 },
  ];
  if (forAnyone) {
    ranking.push({
      title: p.redeem,
      width: 120,
      render: (_, e) =>
        e.resident && (
          <Button size="small" onClick={() => setChosen(e.resident)} data-testid="pick-resident">
            {p.pick}
          </Button>
        ),
    });
  }
  return (
    <div className="gc-page" data-testid="points">
      <PageTitle title={p.title} />
      <section aria-labelledby="ranking-title">
        <h2 id="ranking-title">{p.rankingNow}</h2>
        <div className="gc-table-scroll">
          <Table<Entry>
            rowKey={(e) => `${e.rank}:${e.resident?.id ?? ""}`}
            size="small"
            columns={ranking}
            dataSource={data.pointsRanking}
            pagination={false}
            locale={{ emptyText: p.noRanking }}
            data-testid="ranking"
          />
        </div>
      </section>
      <section className="gc-section" aria-labelledby="shelf-title">
        <h2 id="shelf-title">{p.shelf}</h2>
        {forAnyone && <ResidentPicker chosen={chosen} onChoose={setChosen} />}
        {chosen && <Balance person={chosen} self={!forAnyone} />}
        <Shelf gifts={data.gifts} redeemer={chosen} onRedeemed={refresh} />
      </section>
    </div>
  );
}

function ResidentPicker({ chosen, onChoose }: { chosen: Person | null; onChoose: (p: Person) => void }) {
  const { community } = useViewer();
  const { m } = useContext(LangContext);
  const [name, setName] = useState("");
  const [{ data, fetching }] = useQuery({ query: FindQuery, variables: { community, name: name.trim() }, pause: !name.trim() });
  const options = (data?.residents.edges ?? []).map(({ node }) => ({
    value: node.id,
    label: node.unit
      ? `${node.name} · ${fill(m.common.addressShort, { building: node.unit.building?.number ?? "?", unit: node.unit.number, room: node.household?.room ?? "?" })}`
      : node.name,
    person: { id: node.id, name: node.name },
  }));
  if (chosen && !options.some((o) => o.value === chosen.id)) options.unshift({ value: chosen.id, label: chosen.name, person: chosen });
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <label htmlFor="redeem-resident">{m.points.redeemFor}</label>
      <Select
        id="redeem-resident"
        showSearch={{ filterOption: false, onSearch: (text) => setName(text.slice(0, 40)) }}
        value={chosen?.id}
        placeholder={m.points.searchResident}
        loading={fetching}
        options={options}
        onChange={(_, option) => {
          if (option && !Array.isArray(option)) onChoose(option.person);
        }}
        notFoundContent={null}
        style={{ width: 300, maxWidth: "100%" }}
        data-testid="resident-picker"
      />
    </Space>
  );
}

function Balance({ person, self }: { person: Person; self: boolean }) {
  const { m } = useContext(LangContext);
  const [{ data }] = useQuery({ query: BalanceQuery, variables: { id: person.id }, requestPolicy: "cache-and-network" });
  const balance = data?.pointsStatement?.balance;
  if (balance === undefined) return null;
  const text = self ? fill(m.points.myBalance, { n: balance }) : fill(m.points.balance, { name: person.name, n: balance });
  return (
    <p data-testid="balance" data-points={balance}>
      {text}
    </p>
  );
}

function Shelf({ gifts, redeemer, onRedeemed }: { gifts: Gift[]; redeemer: Person | null; onRedeemed: () => void }) {
  const { m } = useContext(LangContext);
  const p = m.points;
  const columns: ColumnsType<Gift> = [
    { title: p.gift, dataIndex: "name" },
    { title: p.price, dataIndex: "points" },
    { title: p.stock, render: (_, g) => (g.stock > 0 ? g.stock : `0 · ${p.soldOut}`) },
  ];
  if (redeemer) {
    columns.push({ title: p.redeem, render: (_, g) => <RedeemButton gift={g} redeemer={redeemer} onRedeemed={onRedeemed} /> });
  }
  return (
    <div className="gc-table-scroll">
      <Table<Gift>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={gifts}
        pagination={false}
        locale={{ emptyText: p.noGifts }}
        data-testid="gift-shelf"
      />
    </div>
  );
}

/** redeemGift with a key of its own: a retried click pays once; InsufficientPoints and OutOfStock said in words. */
function RedeemButton({ gift, redeemer, onRedeemed }: { gift: Gift; redeemer: Person; onRedeemed: () => void }) {
  const { m } = useContext(LangContext);
  const { message } = App.useApp();
  const [key, setKey] = useState(() => attemptKey("redeem"));
  const [{ fetching }, redeem] = useMutation(RedeemMutation);
  async function go() {
    const result = await redeem({ residentId: redeemer.id, giftId: gift.id, key }, { additionalTypenames: ["PointsStatement", "Gift"] });
    const answer = result.data?.redeemGift;
    if (result.error || !answer) {
      message.error(problemText(describeError(result.error), m)); // the same key again on a retry: paid at most once
      return;
    }
    setKey(attemptKey("redeem"));
    if (answer.__typename === "MovementPayload") {
      message.success(fill(m.points.redeemed, { name: redeemer.name, gift: gift.name, n: answer.movement.amount }));
    } else {
      message.error(refusalText(answer, m));
    }
    onRedeemed();
  }
  return (
    <Popconfirm
      title={fill(m.points.confirm, { name: redeemer.name, gift: gift.name, n: gift.points })}
      onConfirm={() => void go()}
      okText={m.common.confirm}
      cancelText={m.common.cancel}
    >
      <Button size="small" type="primary" loading={fetching} data-testid="redeem">
        {m.points.redeem}
      </Button>
    </Popconfirm>
  );
}
