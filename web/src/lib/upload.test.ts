import { describe, expect, it } from "vitest";
import { fileProblem, ledgerPath, MAX_UPLOAD, progressPercent, readEvents, rowSpan, splitLines, summaryTotals } from "./upload";

describe("the ledger upload", () => {
  it("refuses before sending what the server would refuse", () => {
    expect(fileProblem({ name: "台账.xlsx", size: 1000 })).toBeNull();
    expect(fileProblem({ name: "ledger.ZIP", size: 1000 })).toBeNull();
    expect(fileProblem({ name: "residents.csv", size: 1000 })).toBe("wrongType");
    expect(fileProblem({ name: "big.xlsx", size: MAX_UPLOAD + 1 })).toBe("tooLarge");
  });

  it("names the community only for an admin's choice", () => {
    expect(ledgerPath("check", null)).toBe("/ledger/check");
    expect(ledgerPath("import", "长山花园社区")).toBe(`/ledger/import?community=${encodeURIComponent("长山花园社区")}`);
  });

  it("reads the import's progress lines however the chunks fall", async () => {
    const text = '{"total": 10}\n{"done": 4}\n{"done": 10}\n{"summary": {"长山": {"rows": 10, "nodes_created": 7, "relationships_created": 9, "relationships_deleted": 0}}}\n';
    const bytes = new TextEncoder().encode(text);
    const chunks = [bytes.slice(0, 5), bytes.slice(5, 33), bytes.slice(33)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        chunks.forEach((c) => controller.enqueue(c));
        controller.close();
      },
    });
    const events: unknown[] = [];
    await readEvents(body, (e) => events.push(e));
    expect(events.length).toBe(4);
    expect(events[1]).toEqual({ done: 4 });
    expect(splitLines('{"done": 1}\n{"do').rest).toBe('{"do');
    const last = events[3] as { summary: Parameters<typeof summaryTotals>[0] };
    expect(summaryTotals(last.summary)).toEqual({ rows: 10, nodes: 7, rels: 9 });
  });

  it("never shows more than all of it done", () => {
    expect(progressPercent(12, 10)).toBe(100);
    expect(progressPercent(5, 10)).toBe(50);
    expect(progressPercent(0, 0)).toBe(0);
  });
});

describe("how a ledger was read", () => {
  it("says a run of rows as the dry run does", () => {
    expect(rowSpan([31])).toBe("31");
    expect(rowSpan([27, 28])).toBe("27–28");
    expect(rowSpan([])).toBe("");
  });
});
