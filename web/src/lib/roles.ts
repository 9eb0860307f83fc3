// What the console offers each role: what the server would refuse or hide, it does not show.

export type Role = "ADMIN" | "STAFF" | "GRID_LEADER" | "BUILDING_LEADER" | "UNIT_LEADER" | "VOLUNTEER";

export type View =
  | "overview"
  | "tree"
  | "map"
  | "uncovered"
  | "loads"
  | "posts"
  | "overdue"
  | "dispatch"
  | "points"
  | "import"
  | "my";

const STAFF_VIEWS: View[] = ["overview", "tree", "map", "uncovered", "loads", "posts", "overdue", "dispatch", "points", "import"];
// leaders dispatch the requests of their reach; volunteers take the open requests of their grid themselves
const FIELD_VIEWS: View[] = ["my", "tree", "dispatch", "points"];
const VOLUNTEER_VIEWS: View[] = ["my", "dispatch", "points"];

export function isStaff(role: Role): boolean {
  return role === "ADMIN" || role === "STAFF";
}

export function viewsOf(role: Role): View[] {
  if (isStaff(role)) return STAFF_VIEWS;
  return role === "VOLUNTEER" ? VOLUNTEER_VIEWS : FIELD_VIEWS;
}

export function mayOpen(role: Role, view: View): boolean {
  return viewsOf(role).includes(view);
}

/** Where a role starts: staff on the overview, leaders and volunteers on their phone page. */
export function homeOf(role: Role): string {
  return isStaff(role) ? "/overview" : "/my";
}

/** Staff and leaders see dispatch suggestions and give a request to a volunteer; a volunteer takes one themselves. */
export function dispatchesForOthers(role: Role): boolean {
  return role !== "VOLUNTEER";
}

/** Staff redeem points for anyone of their community; everyone else for themselves only. */
export function redeemsForAnyone(role: Role): boolean {
  return isStaff(role);
}

/** Staff change QR codes, consents and care tiers; leaders and volunteers do not. */
export function managesRecords(role: Role): boolean {
  return isStaff(role);
}
