import { Drawer } from "antd";
import { useContext, useMemo, useState } from "react";
import { useQuery } from "urql";
import { useViewer } from "../app/viewer";
import { Failure, Loading, Nothing, PageTitle } from "../components/States";
import { UnitPeople, type UnitRef } from "../components/UnitPeople";
import { graphql } from "../gql";
import { percent } from "../lib/figures";
import { fill, LangContext } from "../lib/i18n";
import { coverageBlocks, NO_ELDERS, SHARE_STEPS, shareColour } from "../lib/places";

const CoverageMapQuery = graphql(`
  query CoverageMap($community: String!) {
    coverageAudit(community: $community) {
      asOf
      coverage {
        kind
        grid
        building
        unit
        elders
        covered
        uncovered
        solitaryUncovered
      }
    }
  }
`);

/** Buildings as blocks, units as cells coloured by the share of their elders nobody covers; a click opens the unit. */
export default function CoverageMap() {
  const { community } = useViewer();
  const { m } = useContext(LangContext);
  const [{ data, error }, refetch] = useQuery({ query: CoverageMapQuery, variables: { community } });
  const [open, setOpen] = useState<UnitRef | null>(null);
  const blocks = useMemo(() => coverageBlocks(data?.coverageAudit.coverage ?? []), [data]);

  if (!data) {
    return (
      <div className="gc-page">
        <PageTitle title={m.map.title} />
        {error ? <Failure error={error} onRetry={() => refetch({ requestPolicy: "network-only" })} /> : <Loading />}
      </div>
    );
  }
  const steps = [...SHARE_STEPS];
  return (
    <div className="gc-page" data-testid="coverage-map">
      <PageTitle title={m.map.title} />
      <p>{m.map.hint}</p>
      <div className="gc-legend" aria-label={m.map.legend}>
        <strong>{m.map.legend}:</strong>
        {steps.map((step, i) => (
          <span key={step.upTo}>
            <span className="gc-swatch" style={{ background: step.colour }} />
            {i === 0 ? "0%" : `≤ ${Math.round(step.upTo * 100)}%`}
          </span>
        ))}
        <span>
          <span className="gc-swatch" style={{ background: NO_ELDERS }} />
          {m.map.noElders}
        </span>
      </div>
      {blocks.length === 0 ? (
        <Nothing />
      ) : (
        <div className="gc-map">
          {blocks.map((block) => (
            <section className="gc-block" key={block.building} aria-label={fill(m.common.building, { n: block.building })}>
              <h2>
                {fill(m.common.building, { n: block.building })} · {fill(m.map.share, { p: percent(block.uncovered, block.elders) })}
              </h2>
              <div className="gc-cells">
                {block.units.map((cell) => (
                  <button
                    type="button"
                    key={cell.unit}
                    className="gc-cell"
                    style={{ background: shareColour(cell.share) }}
                    data-testid="map-cell"
                    onClick={() => setOpen({ grid: cell.grid, building: cell.building, unit: cell.unit })}
                  >
                    <span className="gc-sr">{fill(m.common.building, { n: cell.building })}</span>
                    <div>{fill(m.common.unit, { n: cell.unit })}</div>
                    <div>{cell.share === null ? m.map.noElders : `${percent(cell.uncovered, cell.elders)}%`}</div>
                    <div>
                      {cell.uncovered}/{cell.elders}
                    </div>
                    <span className="gc-sr">{m.map.cellHint}</span>
                  </button>
                ))}
              </div>
            </section>
          ))}
        </div>
      )}
      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        title={open ? fill(m.map.unitTitle, { building: open.building, unit: open.unit }) : ""}
        size="large"
        destroyOnHidden
      >
        {open && <UnitPeople community={community} place={open} />}
      </Drawer>
    </div>
  );
}
