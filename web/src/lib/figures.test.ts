import { describe, expect, it } from "vitest";
import { figuresOf, percent } from "./figures";

// the totals of `gridcare audit --format json` on the demo community
const TOTALS = {
  residents: 6971,
  households: 3100,
  elders: 4357,
  solitary_elders: 120,
  covered_elders: 776,
  uncovered_elders: 3581,
  solitary_uncovered: 44,
  leaders: 76,
  overloaded_leaders: 2,
  grids: 10,
  buildings: 11,
  units: 45,
  grids_without_leader: 0,
  buildings_without_leader: 1,
  units_without_leader: 2,
  scopes_without_backup: 54,
};

describe("the overview's figures", () => {
  it("are the audit's totals; vacant posts are the places without any leader", () => {
    const f = figuresOf(TOTALS);
    expect([f.uncoveredElders, f.solitaryUncovered, f.vacantPosts, f.unbackedPosts]).toEqual([3581, 44, 3, 54]);
    expect(f.overdueVisits).toBeNull(); // an audit without visits
    expect(f.contactRate).toBeNull();
  });

  it("count visits once the audit does", () => {
    const f = figuresOf({ ...TOTALS, overdue_visits: 12, in_programme: 400, contacted_30d: 300 });
    expect(f.overdueVisits).toBe(12);
    expect(f.contactRate).toBe(0.75);
    expect(figuresOf({ ...TOTALS, in_programme: 0, contacted_30d: 0 }).contactRate).toBeNull();
  });

  it("never show a missing count as a number it is not", () => {
    expect(figuresOf({}).uncoveredElders).toBe(0);
    expect(figuresOf({ uncovered_elders: "many" }).uncoveredElders).toBe(0);
    expect(percent(776, 4357)).toBe("18");
    expect(percent(0, 0)).toBe("—");
  });
});
