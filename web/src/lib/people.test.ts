import { describe, expect, it } from "vitest";
import { loadsOf } from "./loads";
import { byHousehold, choicesFor, isUncovered, suggestionsByElder } from "./people";

const person = (id: string, age: number, room: string, caregivers: string[] = []) => ({
  id,
  name: id,
  age,
  livesAlone: false,
  caregivers: caregivers.map((c) => ({ id: c })),
  household: { id: `h${room}`, room },
});

describe("people in the tree", () => {
  it("groups residents by household, rooms in order, the eldest first", () => {
    const groups = byHousehold([person("a", 40, "1202"), person("b", 81, "302"), person("c", 85, "302")]);
    expect(groups.map((g) => [g.room, g.people.map((p) => p.id)])).toEqual([
      ["302", ["c", "b"]],
      ["1202", ["a"]],
    ]);
  });

  it("marks an elder nobody cares for as uncovered, and nobody younger", () => {
    expect(isUncovered(person("a", 60, "1"))).toBe(true);
    expect(isUncovered(person("b", 75, "1", ["x"]))).toBe(false);
    expect(isUncovered(person("c", 59, "1"))).toBe(false);
  });
});

describe("suggestions", () => {
  it("sends only the ticked elders that have a suggestion, in the order ticked", () => {
    const suggestions = suggestionsByElder([
      { elderId: "E1", caregiverId: "C1", proximity: "unit" },
      { elderId: "E2", caregiverId: "C2", proximity: "grid" },
    ]);
    expect(choicesFor(["E2", "E9", "E1"], suggestions)).toEqual([
      { elderId: "E2", caregiverId: "C2" },
      { elderId: "E1", caregiverId: "C1" },
    ]);
  });
});

describe("care loads", () => {
  it("puts the overloaded first, then the heaviest; distinct people count once", () => {
    const loads = loadsOf(
      [
        { id: "a", name: "甲", careRecipients: [{ id: "1" }, { id: "2" }], posts: [{ role: "UNIT_LEADER" }] },
        { id: "b", name: "乙", careCapacity: 2, careRecipients: ["1", "2", "3", "3"].map((id) => ({ id })), posts: [] },
        { id: "c", name: "丙", careRecipients: [{ id: "1" }, { id: "2" }, { id: "3" }], posts: [] },
      ],
      10,
    );
    expect(loads.map((l) => [l.id, l.load, l.capacity, l.overloaded])).toEqual([
      ["b", 3, 2, true],
      ["c", 3, 10, false],
      ["a", 2, 10, false],
    ]);
  });
});
