// Residents grouped as the tree shows them, and the suggestions joined to the elders they are for.
import { comparePlaces } from "./places";

export interface PersonLike {
  id: string;
  name: string;
  age: number;
  livesAlone: boolean;
  caregivers: { id: string }[];
  household?: { id: string; room: string } | null;
}

export interface HouseholdGroup<P extends PersonLike> {
  id: string;
  room: string;
  people: P[];
}

/** An elder nobody actively cares for (the audit's definition: no active care of any kind). */
export function isUncovered(person: PersonLike, elderAge = 60): boolean {
  return person.age >= elderAge && person.caregivers.length === 0;
}

/** Residents grouped by household, rooms in order, the eldest first within each. */
export function byHousehold<P extends PersonLike>(people: P[]): HouseholdGroup<P>[] {
  const groups = new Map<string, HouseholdGroup<P>>();
  for (const person of people) {
    const key = person.household?.id ?? "";
    const group = groups.get(key) ?? { id: key, room: person.household?.room ?? "", people: [] };
    group.people.push(person);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) => comparePlaces(a.room, b.room));
  ordered.forEach((g) => g.people.sort((a, b) => b.age - a.age || a.name.localeCompare(b.name, "zh-CN")));
  return ordered;
}

export interface SuggestionLike {
  elderId: string;
  caregiverId: string;
  proximity: string;
}

/** The suggestion for each elder (ledger id → suggestion). */
export function suggestionsByElder<S extends SuggestionLike>(assignments: S[]): Map<string, S> {
  return new Map(assignments.map((a) => [a.elderId, a]));
}

/** The choices to send for the ticked elders, in the order ticked, only those with a suggestion. */
export function choicesFor<S extends SuggestionLike>(ticked: string[], suggestions: Map<string, S>) {
  return ticked.flatMap((elderId) => {
    const s = suggestions.get(elderId);
    return s ? [{ elderId, caregiverId: s.caregiverId }] : [];
  });
}
