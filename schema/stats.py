"""Counts of a community's parts (`Community.stats`)."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Party posts of one role: the primary (A) and backup (B) holders counted.")
class PostCounts:
    a: int = strawberry.field(name="A", description="Holders of post A (the primary).")
    b: int = strawberry.field(name="B", description="Holders of post B (the AB-post backup, AB岗).")


@strawberry.type(description="Leader posts of the three leaders (三长) counted by role.")
class LeaderCounts:
    grid: PostCounts = strawberry.field(description="Grid leaders (网格长).")
    building: PostCounts = strawberry.field(description="Building leaders (楼栋长).")
    unit: PostCounts = strawberry.field(description="Unit leaders (单元长).")


@strawberry.type(description="The size of one community's network.")
class CommunityStats:
    grids: int = strawberry.field(description="Grids (网格).")
    buildings: int = strawberry.field(description="Buildings (楼栋).")
    units: int = strawberry.field(description="Units, one stairwell each (单元).")
    households: int = strawberry.field(description="Households (户).")
    residents: int = strawberry.field(description="Residents living in the community (居民).")
    elders: int = strawberry.field(description="Residents aged 60 or more today.")
    party_groups: int = strawberry.field(description="Building Party groups (楼栋党小组).")
    party_member_households: int = strawberry.field(description="Households with a Party member (党员家庭户).")
    volunteer_teams: int = strawberry.field(description="Volunteer teams (红马甲志愿服务队 and patrols).")
    care_relationships: int = strawberry.field(description="Care relationships of any kind (包保 and others).")
    leaders: LeaderCounts = strawberry.field(description="Leader posts by role and A/B post.")

    @classmethod
    def from_dict(cls, s: dict) -> CommunityStats:
        leaders = LeaderCounts(**{role: PostCounts(a=p["A"], b=p["B"]) for role, p in s["leaders"].items()})
        fields = {k: v for k, v in s.items() if k not in ("leaders", "community")}
        return cls(leaders=leaders, **fields)
