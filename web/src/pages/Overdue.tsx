import { Alert } from "antd";
import { useContext } from "react";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, PageTitle } from "../components/States";
import { graphql } from "../gql";
import { figuresOf } from "../lib/figures";
import { LangContext } from "../lib/i18n";

const OverdueQuery = graphql(`
  query OverdueTotals($community: String!) {
    coverageAudit(community: $community) {
      asOf
      totals
    }
  }
`);

/** Elders of the visiting programme past their cadence (once the audit counts visits). */
export default function Overdue() {
  const { community } = useViewer();
  const { m } = useContext(LangContext);
  const [{ data, error }, refetch] = useQuery({ query: OverdueQuery, variables: { community } });
  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={m.overdue.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const figures = figuresOf(data.coverageAudit.totals);
  return (
    <div className="gc-page" data-testid="overdue">
      <PageTitle title={m.overdue.title} />
      <p>{m.overdue.intro}</p>
      {figures.overdueVisits === null && <Alert type="info" showIcon title={m.overdue.pending} />}
    </div>
  );
}
