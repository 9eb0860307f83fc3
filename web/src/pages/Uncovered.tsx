import { App, Button, Checkbox, Input, Space, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle, residentPath } from "../components/States";
import { graphql } from "../gql";
import { describeError, problemText } from "../lib/errors";
import { fill, LangContext } from "../lib/i18n";
import type { ResultOf } from "../lib/gqltypes";
import { choicesFor, suggestionsByElder } from "../lib/people";

const UncoveredQuery = graphql(`
  query Uncovered($community: String!) {
    coverageAudit(community: $community) {
      asOf
      totals
      uncoveredElders {
        residentId
        name
        age
        livesAlone
        grid
        building
        unit
        room
        id
      }
    }
    assignmentSuggestions(community: $community) {
      assignments {
        elderId
        caregiverId
        proximity
        caregiver {
          id
          name
          phone
        }
      }
    }
  }
`);

const ApplyMutation = graphql(`
  mutation ApplySuggestions($community: String!, $assignments: [AssignmentChoice!]!) {
    applyAssignmentSuggestions(community: $community, assignments: $assignments) {
      __typename
      ... on AppliedAssignments {
        created {
          kind
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

type Row = ResultOf<typeof UncoveredQuery>["coverageAudit"]["uncoveredElders"][number];

export default function Uncovered() {
  const { community } = useViewer();
  const { m } = useContext(LangContext);
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const solitaryOnly = params.get("solitary") === "1";
  const [search, setSearch] = useState("");
  const [ticked, setTicked] = useState<string[]>([]);
  const [{ data, error, fetching }, refetch] = useQuery({ query: UncoveredQuery, variables: { community } });
  const [applying, apply] = useMutation(ApplyMutation);
  const u = m.uncovered;

  const suggestions = useMemo(() => suggestionsByElder(data?.assignmentSuggestions.assignments ?? []), [data]);
  const rows = useMemo(
    () =>
      (data?.coverageAudit.uncoveredElders ?? []).filter(
        (e) => (!solitaryOnly || e.livesAlone) && (!search.trim() || e.name.includes(search.trim())),
      ),
    [data, solitaryOnly, search],
  );

  async function applyTicked() {
    const before = Number(data?.coverageAudit.totals.uncovered_elders ?? 0);
    const choices = choicesFor(ticked, suggestions);
    const result = await apply({ community, assignments: choices });
    const answer = result.data?.applyAssignmentSuggestions;
    if (result.error || !answer) {
      message.error(problemText(describeError(result.error), m));
      return;
    }
    if (answer.__typename !== "AppliedAssignments") {
      message.error(answer.message);
      return;
    }
    setTicked([]);
    const fresh = await refetch({ requestPolicy: "network-only" });
    void fresh;
    message.success(fill(u.applied, { n: answer.created.length, before, after: before - choices.length }));
  }

  const proximity = (p: string) => (u as Record<string, string>)[p] ?? p;
  const columns: ColumnsType<Row> = [
    {
      title: u.name,
      dataIndex: "name",
      render: (_, e) => (
        <Space wrap>
          <Link to={residentPath(e.id)}>{e.name}</Link>
          {e.livesAlone && <Tag color="red">{m.common.solitary}</Tag>}
        </Space>
      ),
    },
    { title: u.age, dataIndex: "age", width: 80, sorter: (a, b) => a.age - b.age },
    {
      title: u.where,
      key: "where",
      render: (_, e) => fill(m.common.addressShort, { building: e.building ?? "?", unit: e.unit ?? "?", room: e.room ?? "?" }),
    },
    {
      title: u.suggestion,
      key: "suggestion",
      render: (_, e) => {
        const s = suggestions.get(e.residentId);
        if (!s) return <span>{u.noSuggestion}</span>;
        return (
          <Space wrap>
            {s.caregiver ? <Link to={residentPath(s.caregiver.id)}>{s.caregiver.name}</Link> : s.caregiverId}
            <Tag>{proximity(s.proximity)}</Tag>
          </Space>
        );
      },
    },
  ];

  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={u.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const count = choicesFor(ticked, suggestions).length;
  return (
    <div className="gc-page" data-testid="uncovered">
      <PageTitle
        title={u.title}
        extra={
          <Button
            type="primary"
            disabled={count === 0}
            loading={applying.fetching}
            onClick={applyTicked}
            data-testid="apply-suggestions"
          >
            {fill(u.apply, { n: count })}
          </Button>
        }
      />
      <p>{u.intro}</p>
      {error && <Failure error={error} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={m.common.search}
          aria-label={m.common.search}
          onSearch={setSearch}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 220 }}
        />
        <Checkbox
          checked={solitaryOnly}
          onChange={(e) => setParams(e.target.checked ? { solitary: "1" } : {})}
          data-testid="solitary-only"
        >
          {u.solitaryOnly}
        </Checkbox>
        <span>{fill(m.common.people, { n: rows.length })}</span>
      </Space>
      <div className="gc-table-scroll">
        <Table<Row>
          rowKey="residentId"
          size="middle"
          loading={fetching}
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 50, showSizeChanger: false }}
          rowSelection={{
            selectedRowKeys: ticked,
            onChange: (keys) => setTicked(keys.map(String)),
            getCheckboxProps: (e) => ({
              disabled: !suggestions.has(e.residentId),
              "aria-label": e.name,
            }),
          }}
        />
      </div>
    </div>
  );
}
