import { Descriptions, Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext } from "react";
import { formatDay } from "../lib/dates";
import { fill, LangContext } from "../lib/i18n";
import { rowSpan, type ColumnUnderstood, type SheetUnderstood, type Understanding } from "../lib/upload";

/** How the ledger was understood, before anything is written: what `gridcare import --dry-run` prints. */
export function UnderstandingView({ understanding }: { understanding: Understanding }) {
  const { m, lang } = useContext(LangContext);
  const u = m.understanding;
  const day = formatDay(understanding.as_of, lang);
  return (
    <section className="gc-section" aria-labelledby="understanding-title" data-testid="understanding">
      <h2 id="understanding-title">{u.title}</h2>
      <p>{u.intro}</p>
      {Object.entries(understanding.totals).map(([community, t]) => (
        <p key={community} data-testid="would-import">
          <strong>
            {fill(u.totals, {
              community,
              residents: t.residents,
              households: t.households,
              buildings: t.buildings,
              units: t.units,
              grids: t.grids,
              party: t.party_member_households,
              elders: t.elders,
              day,
            })}
          </strong>
        </p>
      ))}
      {understanding.merged > 0 && <p>{fill(u.merged, { n: understanding.merged })}</p>}
      {understanding.sheets.map((sheet) => (
        <SheetView key={`${sheet.label}:${sheet.kind}`} sheet={sheet} />
      ))}
    </section>
  );
}

function SheetView({ sheet }: { sheet: SheetUnderstood }) {
  const { m } = useContext(LangContext);
  const u = m.understanding;
  const facts = [
    sheet.building && fill(u.building, { n: sheet.building }),
    sheet.grid && fill(u.grid, { n: sheet.grid }),
    sheet.header_row !== null && fill(u.header, { row: sheet.header_row }),
    sheet.header_row !== null && fill(u.rows, { rows: sheet.rows, accepted: sheet.accepted }),
    sheet.blank > 0 && fill(u.blank, { n: sheet.blank }),
    sheet.footer.length > 0 && fill(u.footer, { rows: rowSpan(sheet.footer) }),
    (sheet.repeated ?? []).length > 0 && fill(u.repeated, { rows: (sheet.repeated ?? []).join("、") }),
  ].filter(Boolean);
  const columns: ColumnsType<ColumnUnderstood> = [
    { title: u.headerCol, dataIndex: "header", width: 140 },
    { title: u.readAs, render: (_, c) => (c.column ? `${c.zh ?? ""} ${c.column}` : "—"), width: 180 },
    {
      title: u.how,
      render: (_, c) => (
        <>
          <span className={`gc-how gc-how-${c.how}`}>{u.hows[c.how]}</span>
          {c.values && <span className="gc-muted">{c.note.split("; ").slice(-1)[0]}</span>}
        </>
      ),
    },
  ];
  return (
    <article className="gc-section" data-testid="sheet-understood" data-sheet={sheet.label}>
      <h3>{fill(u.sheet, { label: sheet.label, kind: `${sheet.kind_zh} ${sheet.kind}` })}</h3>
      {sheet.header_row === null ? (
        <p>{u.empty}</p>
      ) : (
        <>
          <p>{facts.join(" · ")}</p>
          <div className="gc-table-scroll">
            <Table<ColumnUnderstood>
              rowKey={(c) => c.header}
              size="small"
              columns={columns}
              dataSource={sheet.columns}
              pagination={false}
              scroll={{ x: 480 }}
              data-testid="columns-understood"
            />
          </div>
          {sheet.derived.length > 0 && (
            <>
              <h4>{u.derived}</h4>
              <ul data-testid="derived">
                {sheet.derived.map((d) => (
                  <li key={d.column}>
                    {d.text}
                    {d.checked && u.derivedChecked}
                  </li>
                ))}
              </ul>
            </>
          )}
          {sheet.preview.length > 0 && (
            <>
              <h4>{u.preview}</h4>
              {sheet.preview.map((row) => (
                <Descriptions
                  key={row.row}
                  size="small"
                  bordered
                  title={fill(u.row, { n: row.row })}
                  column={{ xs: 1, sm: 2, lg: 3 }}
                  data-testid="preview-row"
                  style={{ marginBottom: 8 }}
                >
                  {row.fields.map((f) => (
                    <Descriptions.Item key={f.column} label={f.zh}>
                      <span data-column={f.column}>{f.value}</span>
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              ))}
            </>
          )}
        </>
      )}
    </article>
  );
}
