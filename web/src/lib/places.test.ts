import { describe, expect, it } from "vitest";
import { comparePlaces, coverageBlocks, NO_ELDERS, SHARE_STEPS, shareColour } from "./places";

describe("places and the coverage map", () => {
  it("orders place numbers as people read them", () => {
    expect(["10", "2", "1", "5A", "5"].sort(comparePlaces)).toEqual(["1", "2", "5", "5A", "10"]);
  });

  it("makes one block per building with its units as cells, shares of uncovered elders", () => {
    const places = [
      { kind: "grid", grid: "1", elders: 9, covered: 4, uncovered: 5, solitaryUncovered: 1 },
      { kind: "building", grid: "1", building: "10", elders: 4, covered: 4, uncovered: 0, solitaryUncovered: 0 },
      { kind: "building", grid: "1", building: "2", elders: 5, covered: 0, uncovered: 5, solitaryUncovered: 1 },
      { kind: "unit", grid: "1", building: "2", unit: "2", elders: 0, covered: 0, uncovered: 0, solitaryUncovered: 0 },
      { kind: "unit", grid: "1", building: "2", unit: "1", elders: 5, covered: 0, uncovered: 5, solitaryUncovered: 1 },
      { kind: "unit", grid: "1", building: "10", unit: "1", elders: 4, covered: 4, uncovered: 0, solitaryUncovered: 0 },
    ];
    const blocks = coverageBlocks(places);
    expect(blocks.map((b) => b.building)).toEqual(["2", "10"]);
    expect(blocks[0]!.units.map((u) => [u.unit, u.share])).toEqual([
      ["1", 1],
      ["2", null],
    ]);
    expect(blocks[1]!.units[0]!.share).toBe(0);
  });

  it("colours no elders apart from no one uncovered, and darker with more uncovered", () => {
    expect(shareColour(null)).toBe(NO_ELDERS);
    expect(shareColour(0)).toBe(SHARE_STEPS[0].colour);
    const steps = [0.1, 0.3, 0.6, 0.9].map(shareColour);
    expect(new Set(steps).size).toBe(4);
    expect(shareColour(1)).toBe(SHARE_STEPS[4].colour);
  });
});
