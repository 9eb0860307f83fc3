// The ledger upload: client-side checks before sending, the check's answer, and the import's NDJSON progress.

export const MAX_UPLOAD = 20 * 1024 * 1024;

export interface LedgerProblem {
  sheet: string;
  row: number | null;
  column: string | null;
  value: string | null;
  reason: string;
  severity: "error" | "warning";
  text: string;
}

/** How one header was read: the column it feeds (null: read as nothing), and how it was recognised. */
export interface ColumnUnderstood {
  header: string;
  column: string | null;
  zh: string | null;
  how: "contract" | "synonym" | "mapping" | "ignored" | "unknown" | "duplicate";
  values: string | null;
  /** the same as `gridcare import --dry-run` says it */
  note: string;
}

/** One sheet as the dry run understands it (api/dry_run.py `sheet_understood`). */
export interface SheetUnderstood {
  sheet: string;
  label: string;
  kind: string;
  kind_zh: string;
  building: string | null;
  grid: string | null;
  header_row: number | null;
  title_rows: number[];
  rows: number;
  accepted: number;
  blank: number;
  footer: number[];
  /** rows repeating the header (atop a printed page), skipped */
  repeated?: number[];
  columns: ColumnUnderstood[];
  derived: { column: string; text: string; checked: boolean }[];
  /** the first rows as they would be stored, sensitive values masked as the dry run masks them */
  preview: { row: number; fields: { column: string; zh: string; value: string }[] }[];
}

/** What the import would hold in a community: the ledger's counts. */
export interface WouldImport {
  residents: number;
  households: number;
  buildings: number;
  units: number;
  grids: number;
  party_member_households: number;
  elders: number;
  lives_alone: number;
}

export interface Understanding {
  sheets: SheetUnderstood[];
  totals: Record<string, WouldImport>;
  as_of: string;
  merged: number;
}

export interface CheckReport {
  ok: boolean;
  errors: number;
  warnings: number;
  problems: LedgerProblem[];
  more: number;
  rows: Record<string, number>;
  communities: string[];
  /** the JSON of `gridcare import --dry-run` (absent from an older server) */
  understanding?: Understanding;
}

/** A run of row numbers in words: "31", "27–28". */
export function rowSpan(rows: readonly number[]): string {
  if (rows.length === 0) return "";
  return rows.length === 1 ? String(rows[0]) : `${rows[0]}–${rows[rows.length - 1]}`;
}

export interface WriteSummary {
  rows: number;
  nodes_created: number;
  relationships_created: number;
  relationships_deleted: number;
}

export type ImportEvent =
  | { total: number }
  | { done: number }
  | { summary: Record<string, WriteSummary> }
  | { error: string; request_id?: string; code?: string };

/** Why a file is not sent at all: "tooLarge" or "wrongType"; null when it may be. */
export function fileProblem(file: { name: string; size: number }): "tooLarge" | "wrongType" | null {
  if (file.size > MAX_UPLOAD) return "tooLarge";
  return /\.(xlsx|zip)$/i.test(file.name) ? null : "wrongType";
}

/** Split NDJSON text into events; returns the complete lines' events and the unfinished rest. */
export function splitLines(buffer: string): { events: ImportEvent[]; rest: string } {
  const lines = buffer.split("\n");
  const rest = lines.pop() ?? "";
  const events = lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as ImportEvent);
  return { events, rest };
}

/** Read an import's answer stream, calling `onEvent` for each line. */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: ImportEvent) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const { events, rest } = splitLines(buffer + decoder.decode(value, { stream: true }));
    buffer = rest;
    events.forEach(onEvent);
  }
  splitLines(buffer + "\n").events.forEach(onEvent);
}

/** The summary's figures over every community written. */
export function summaryTotals(summary: Record<string, WriteSummary>) {
  const all = Object.values(summary);
  return {
    rows: all.reduce((n, s) => n + s.rows, 0),
    nodes: all.reduce((n, s) => n + s.nodes_created, 0),
    rels: all.reduce((n, s) => n + s.relationships_created, 0),
  };
}

/** Progress as a whole percentage, never above 100. */
export function progressPercent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
}

export interface EdgeRefusal {
  status: number;
  error: string;
  requestId?: string;
}

/** POST the file itself to a ledger route with the session's token; a 401 signs out. */
export async function postLedger(path: string, file: Blob, token: string | null): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/octet-stream",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: file,
  });
}

/** The route of a check or an import, with the community an admin chose (staff always import into theirs). */
export function ledgerPath(kind: "check" | "import", community: string | null): string {
  const query = community ? `?community=${encodeURIComponent(community)}` : "";
  return `/ledger/${kind}${query}`;
}
