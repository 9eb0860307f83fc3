// The overview's figures, read from the coverage audit's totals (the JSON of `gridcare audit --format json`).

export interface Figures {
  residents: number;
  households: number;
  elders: number;
  solitaryElders: number;
  coveredElders: number;
  uncoveredElders: number;
  solitaryUncovered: number;
  /** null until the audit counts visits */
  overdueVisits: number | null;
  /** contacted in the last 30 days / elders in the visiting programme; null without visits or programme */
  contactRate: number | null;
  /** grids, buildings and units without any leader */
  vacantPosts: number;
  /** places with an A post and no B backup */
  unbackedPosts: number;
  overloadedLeaders: number;
  grids: number;
  buildings: number;
  units: number;
}

function count(totals: Record<string, unknown>, key: string): number {
  const value = totals[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function optional(totals: Record<string, unknown>, key: string): number | null {
  const value = totals[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function figuresOf(totals: Record<string, unknown>): Figures {
  const inProgramme = optional(totals, "in_programme");
  const contacted = optional(totals, "contacted_30d");
  return {
    residents: count(totals, "residents"),
    households: count(totals, "households"),
    elders: count(totals, "elders"),
    solitaryElders: count(totals, "solitary_elders"),
    coveredElders: count(totals, "covered_elders"),
    uncoveredElders: count(totals, "uncovered_elders"),
    solitaryUncovered: count(totals, "solitary_uncovered"),
    overdueVisits: optional(totals, "overdue_visits"),
    contactRate: inProgramme && contacted !== null ? contacted / inProgramme : null,
    vacantPosts:
      count(totals, "grids_without_leader") +
      count(totals, "buildings_without_leader") +
      count(totals, "units_without_leader"),
    unbackedPosts: count(totals, "scopes_without_backup"),
    overloadedLeaders: count(totals, "overloaded_leaders"),
    grids: count(totals, "grids"),
    buildings: count(totals, "buildings"),
    units: count(totals, "units"),
  };
}

/** A share as a whole percentage ("37"), or "—" when there is nothing to share. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? String(Math.round((part / whole) * 100)) : "—";
}
