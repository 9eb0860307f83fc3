import { describe, expect, it } from "vitest";
import { fill, MESSAGES } from "./i18n";
import { formatDay } from "./dates";
import { dispatchesForOthers, homeOf, mayOpen, redeemsForAnyone, viewsOf } from "./roles";

describe("what each role is offered", () => {
  it("gives staff the office's views and leaders their phone page", () => {
    expect(homeOf("STAFF")).toBe("/overview");
    expect(homeOf("ADMIN")).toBe("/overview");
    expect(homeOf("UNIT_LEADER")).toBe("/my");
    expect(homeOf("VOLUNTEER")).toBe("/my");
    expect(mayOpen("UNIT_LEADER", "uncovered")).toBe(false); // audits name everyone: the server refuses them
    expect(mayOpen("BUILDING_LEADER", "tree")).toBe(true);
    expect(viewsOf("VOLUNTEER")).toEqual(["my", "dispatch", "points"]);
    expect(mayOpen("UNIT_LEADER", "dispatch")).toBe(true);
    expect(mayOpen("VOLUNTEER", "tree")).toBe(false);
    expect(dispatchesForOthers("VOLUNTEER")).toBe(false); // dispatchSuggestions is for staff and leaders
    expect(dispatchesForOthers("GRID_LEADER")).toBe(true);
    expect(redeemsForAnyone("BUILDING_LEADER")).toBe(false); // a resident redeems their own points
    expect(redeemsForAnyone("STAFF")).toBe(true);
    expect(mayOpen("STAFF", "import")).toBe(true);
  });
});

describe("words", () => {
  it("has the same labels in both languages", () => {
    const keys = (o: object, prefix = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keys(MESSAGES.en)).toEqual(keys(MESSAGES.zh));
  });

  it("fills placeholders and formats days", () => {
    expect(fill(MESSAGES.zh.uncovered.applied, { n: 1, before: 10, after: 9 })).toBe("已建立1条包保关系。未包保老人：10 → 9");
    expect(formatDay("2026-11-30", "zh")).toBe("2026年11月30日");
    expect(formatDay("2026-11-30", "en")).toBe("30 Nov 2026");
    expect(formatDay(null, "zh")).toBe("—");
  });
});
