// Places in the order people read them (第2网格 before 第10网格), and the coverage map's blocks and colours.

/** Compare place numbers as the ledger writes them: numerically where they are numbers ("2" < "10", "5" < "5A"). */
export function comparePlaces(a: string | null | undefined, b: string | null | undefined): number {
  return (a ?? "").localeCompare(b ?? "", "zh-CN", { numeric: true });
}

export interface PlaceCoverageLike {
  kind: string;
  grid?: string | null;
  building?: string | null;
  unit?: string | null;
  elders: number;
  covered: number;
  uncovered: number;
  solitaryUncovered: number;
}

export interface UnitCell {
  grid: string;
  building: string;
  unit: string;
  elders: number;
  uncovered: number;
  solitaryUncovered: number;
  /** uncovered / elders; null without elders */
  share: number | null;
}

export interface BuildingBlock {
  grid: string;
  building: string;
  elders: number;
  uncovered: number;
  units: UnitCell[];
}

/** The coverage map: one block per building (in place order), its units as cells. */
export function coverageBlocks(places: PlaceCoverageLike[]): BuildingBlock[] {
  const blocks = new Map<string, BuildingBlock>();
  for (const p of places) {
    if (p.kind !== "building" || !p.building) continue;
    blocks.set(p.building, {
      grid: p.grid ?? "",
      building: p.building,
      elders: p.elders,
      uncovered: p.uncovered,
      units: [],
    });
  }
  for (const p of places) {
    if (p.kind !== "unit" || !p.building || !p.unit) continue;
    const block = blocks.get(p.building);
    if (!block) continue;
    block.units.push({
      grid: p.grid ?? block.grid,
      building: p.building,
      unit: p.unit,
      elders: p.elders,
      uncovered: p.uncovered,
      solitaryUncovered: p.solitaryUncovered,
      share: p.elders > 0 ? p.uncovered / p.elders : null,
    });
  }
  const ordered = [...blocks.values()].sort((a, b) => comparePlaces(a.building, b.building));
  ordered.forEach((block) => block.units.sort((a, b) => comparePlaces(a.unit, b.unit)));
  return ordered;
}

/** The colour steps of the map, lightest (none uncovered) to darkest; dark text reads on every one. */
export const SHARE_STEPS = [
  { upTo: 0, colour: "#d9f7be" },
  { upTo: 0.25, colour: "#fffbe6" },
  { upTo: 0.5, colour: "#ffe7ba" },
  { upTo: 0.75, colour: "#ffccc7" },
  { upTo: 1, colour: "#ff9c94" },
] as const;
export const NO_ELDERS = "#f0f0f0";

export function shareColour(share: number | null): string {
  if (share === null) return NO_ELDERS;
  const step = SHARE_STEPS.find((s) => share <= s.upTo) ?? SHARE_STEPS[SHARE_STEPS.length - 1]!;
  return step.colour;
}
