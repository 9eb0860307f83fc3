import { InboxOutlined } from "@ant-design/icons";
import { Alert, Button, Descriptions, Input, Progress, Result, Space, Table, Upload } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useContext, useState } from "react";
import { useViewer } from "../app/viewer";
import { PageTitle } from "../components/States";
import { UnderstandingView } from "../components/Understanding";
import { problemText, type ProblemKind } from "../lib/errors";
import { fill, LangContext } from "../lib/i18n";
import { reasonOf401, readToken, signOut } from "../lib/session";
import {
  fileProblem,
  ledgerPath,
  postLedger,
  progressPercent,
  readEvents,
  summaryTotals,
  type CheckReport,
  type LedgerProblem,
  type WriteSummary,
} from "../lib/upload";

type Stage =
  | { kind: "idle" }
  | { kind: "checking"; file: File }
  | { kind: "checked"; file: File; report: CheckReport }
  | { kind: "importing"; file: File; done: number; total: number }
  | { kind: "done"; summary: Record<string, WriteSummary> }
  | { kind: "failed"; text: string };

const KINDS: Record<number, ProblemKind> = { 401: "unauthenticated", 403: "forbidden", 503: "unavailable" };

export default function Import() {
  const viewer = useViewer();
  const { m } = useContext(LangContext);
  const [stage, setStage] = useState<Stage>({ kind: "idle" });
  const [community, setCommunity] = useState(viewer.role === "ADMIN" ? viewer.community : "");
  const t = m.import;
  const target = viewer.role === "ADMIN" ? community.trim() || null : null;

  async function refusal(response: Response): Promise<string> {
    const body = (await response.json().catch(() => ({}))) as { error?: string; request_id?: string };
    if (response.status === 401) signOut(reasonOf401(body.error));
    const kind = KINDS[response.status] ?? (response.status >= 500 ? "internal" : "bad-input");
    return problemText({ kind, detail: kind === "internal" ? undefined : body.error, requestId: body.request_id }, m);
  }

  async function check(file: File) {
    const problem = fileProblem(file);
    if (problem) {
      setStage({ kind: "failed", text: t[problem] });
      return;
    }
    setStage({ kind: "checking", file });
    try {
      const response = await postLedger(ledgerPath("check", target), file, readToken());
      if (!response.ok) {
        setStage({ kind: "failed", text: await refusal(response) });
        return;
      }
      setStage({ kind: "checked", file, report: (await response.json()) as CheckReport });
    } catch {
      setStage({ kind: "failed", text: m.problems.network });
    }
  }

  async function importFile(file: File) {
    setStage({ kind: "importing", file, done: 0, total: 0 });
    try {
      const response = await postLedger(ledgerPath("import", target), file, readToken());
      if (response.status === 422) {
        setStage({ kind: "checked", file, report: (await response.json()) as CheckReport });
        return;
      }
      if (!response.ok || !response.body) {
        setStage({ kind: "failed", text: `${t.failed} ${await refusal(response)}` });
        return;
      }
      let total = 0;
      await readEvents(response.body, (event) => {
        if ("total" in event) total = event.total;
        if ("done" in event) setStage({ kind: "importing", file, done: event.done, total });
        if ("summary" in event) setStage({ kind: "done", summary: event.summary });
        if ("error" in event) {
          const kind: ProblemKind = event.code === "UNAVAILABLE" ? "unavailable" : "internal";
          setStage({ kind: "failed", text: `${t.failed} ${problemText({ kind, requestId: event.request_id }, m)}` });
        }
      });
    } catch {
      setStage({ kind: "failed", text: `${t.failed} ${m.problems.network}` });
    }
  }

  const columns: ColumnsType<LedgerProblem> = [
    { title: t.sheet, dataIndex: "sheet", width: 120 },
    { title: t.row, dataIndex: "row", width: 70 },
    { title: t.column, dataIndex: "column", width: 160 },
    { title: t.reason, dataIndex: "reason", render: (_, p) => `${p.severity === "warning" ? "⚠ " : ""}${p.reason}${p.value ? ` (${p.value})` : ""}` },
  ];

  return (
    <div className="gc-page" data-testid="import">
      <PageTitle title={t.title} />
      <p>{t.intro}</p>
      {viewer.role === "ADMIN" && (
        <Space style={{ marginBottom: 12 }} wrap>
          <label htmlFor="import-community">{t.community}</label>
          <Input id="import-community" value={community} onChange={(e) => setCommunity(e.target.value)} placeholder={t.communityHint} maxLength={100} style={{ width: 260 }} />
        </Space>
      )}
      <Upload.Dragger
        accept=".xlsx,.zip"
        multiple={false}
        showUploadList={false}
        beforeUpload={(file) => {
          void check(file);
          return false;
        }}
        disabled={stage.kind === "checking" || stage.kind === "importing"}
        data-testid="ledger-drop"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined aria-hidden />
        </p>
        <p>{t.drop}</p>
        <p>{t.dropHint}</p>
      </Upload.Dragger>
      <div className="gc-section" aria-live="polite">
        {stage.kind === "checking" && <Alert type="info" showIcon title={t.checking} />}
        {stage.kind === "failed" && <Alert type="error" showIcon role="alert" title={stage.text} data-testid="import-failed" />}
        {stage.kind === "checked" && (
          <Space orientation="vertical" style={{ width: "100%" }}>
            <Descriptions size="small" bordered title={t.rows} column={{ xs: 1, sm: 2, md: 3 }}>
              {Object.entries(stage.report.rows).map(([sheet, n]) => (
                <Descriptions.Item key={sheet} label={t.sheets[sheet as keyof typeof t.sheets] ?? sheet}>
                  <span data-testid={`rows-${sheet}`}>{n}</span>
                </Descriptions.Item>
              ))}
            </Descriptions>
            {stage.report.ok ? (
              <Alert type="success" showIcon title={t.ok} data-testid="check-ok" />
            ) : (
              <Alert type="error" showIcon role="alert" title={fill(t.errors, { n: stage.report.errors })} data-testid="check-errors" />
            )}
            {stage.report.warnings > 0 && <Alert type="warning" showIcon title={fill(t.warnings, { n: stage.report.warnings })} />}
            {stage.report.problems.length > 0 && (
              <div className="gc-table-scroll">
                <Table<LedgerProblem>
                  rowKey={(p) => p.text}
                  size="small"
                  columns={columns}
                  dataSource={stage.report.problems}
                  pagination={{ pageSize: 50 }}
                  scroll={{ x: 560 }}
                  data-testid="ledger-problems"
                />
                {stage.report.more > 0 && <p>{fill(t.more, { n: stage.report.more })}</p>}
              </div>
            )}
            {stage.report.understanding && <UnderstandingView understanding={stage.report.understanding} />}
            {stage.report.ok && (
              <Button type="primary" size="large" onClick={() => void importFile(stage.file)} data-testid="start-import">
                {t.start}
              </Button>
            )}
          </Space>
        )}
        {stage.kind === "importing" && (
          <div data-testid="import-progress">
            <p>{fill(t.importing, { done: stage.done, total: stage.total || "…" })}</p>
            <Progress percent={progressPercent(stage.done, stage.total)} status="active" />
          </div>
        )}
        {stage.kind === "done" && (
          <Result
            status="success"
            data-testid="import-done"
            title={fill(t.done, summaryTotals(stage.summary))}
            extra={<Button onClick={() => setStage({ kind: "idle" })}>{m.common.back}</Button>}
          />
        )}
      </div>
    </div>
  );
}
