// Care loads: how many people each caregiver with a post actively cares for, against their capacity.

export interface LeaderLike {
  id: string;
  name: string;
  careCapacity?: number | null;
  careRecipients: { id: string }[];
  posts: { role: string }[];
}

export interface Load {
  id: string;
  name: string;
  load: number;
  capacity: number;
  overloaded: boolean;
  posts: string[];
}

/** Loads, overloaded first (most over their capacity first), then the heaviest. */
export function loadsOf(leaders: LeaderLike[], defaultCapacity: number): Load[] {
  return leaders
    .map((l) => {
      const load = new Set(l.careRecipients.map((r) => r.id)).size;
      const capacity = l.careCapacity ?? defaultCapacity;
      return {
        id: l.id,
        name: l.name,
        load,
        capacity,
        overloaded: load > capacity,
        posts: [...new Set(l.posts.map((p) => p.role))],
      };
    })
    .sort(
      (a, b) =>
        Number(b.overloaded) - Number(a.overloaded) ||
        b.load - b.capacity - (a.load - a.capacity) ||
        b.load - a.load ||
        a.name.localeCompare(b.name, "zh-CN"),
    );
}
