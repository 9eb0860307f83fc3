"""A community's settings of home services, matters and points, and the service kinds of its teams.

The settings (`analysis.services.ServiceSettings`) are kept as JSON on the
community's node (``serviceSettings``; absent: the defaults). A volunteer team
declares the kinds of home service it does as ``serviceKinds`` on its node;
a team that has declared none is read by the words of its name
(`analysis.services.team_kinds_by_name`), and an empty declaration says it
does none.
"""

from __future__ import annotations

from collections.abc import Sequence

import neo4j

from analysis.domain import SERVICE_KINDS, ServiceKind
from analysis.services import ServiceSettings, check_settings, settings_from_json, settings_to_json, team_kinds_by_name
from graph import ids
from graph.errors import Invalid, NotFound
from graph.mutations.common import label
from graph.store import Store, counted

READ = "MATCH (c:Community {id: $community}) RETURN c.serviceSettings AS settings"
SAVE = "MATCH (c:Community {id: $community}) SET c.serviceSettings = $settings RETURN c.id AS id"
TEAMS = """
MATCH (t:VolunteerTeam {community: $community})
RETURN collect([t.name, t.serviceKinds]) AS rows
"""
SET_TEAM_KINDS = """
MATCH (t:VolunteerTeam {id: $team})
SET t.serviceKinds = $kinds
RETURN t.name AS name, t.serviceKinds AS kinds
"""


def read_settings(store: Store, community: str) -> ServiceSettings:
    """The community's settings; `NotFound` for an unknown community."""
    rows = store.read("service_settings", READ, community=community)
    if not rows:
        raise NotFound(f"no community named {community!r}", kind="community", id=community)
    return settings_from_json(rows[0]["settings"])


def settings_in(tx: neo4j.ManagedTransaction, community: str) -> ServiceSettings:
    """The community's settings, read inside a transaction (defaults for an unknown community)."""
    row = counted(tx, "service_settings", READ, community=community).single()
    return settings_from_json(row["settings"] if row else None)


def save_settings(store: Store, community: str, settings: ServiceSettings) -> ServiceSettings:
    """Keep new settings (`Invalid` on the first field that breaks a rule; `NotFound` for an unknown community)."""
    for field, reason in check_settings(settings):
        raise Invalid(field, reason)
    if not store.write("save_service_settings", SAVE, community=community, settings=settings_to_json(settings)):
        raise NotFound(f"no community named {community!r}", kind="community", id=community)
    return settings


def kinds_of(name: str, declared: Sequence[str] | None) -> tuple[ServiceKind, ...]:
    """A team's kinds: declared (in the domain's order), else by its name."""
    if declared is None:
        return team_kinds_by_name(name)
    return tuple(k for k in SERVICE_KINDS if k in set(declared))


def team_kinds(store: Store, community: str) -> dict[str, tuple[ServiceKind, ...]]:
    """Each team of the community (by name) with the kinds of home service it does."""
    return {
        name: kinds_of(name, declared) for name, declared in store.read_rows("team_kinds", TEAMS, community=community)
    }


def set_team_kinds(
    store: Store, community: str, team: str, kinds: Sequence[str] | None
) -> tuple[str, tuple[ServiceKind, ...]]:
    """Declare the kinds a team does (None: by its name again); `NotFound` for an unknown team."""
    name = label(team, "team")
    declared = None if kinds is None else sorted({ServiceKind(k).value for k in kinds})
    rows = store.write("set_team_kinds", SET_TEAM_KINDS, team=ids.team_id(community, name), kinds=declared)
    if not rows:
        raise NotFound(f"no team {name!r} in {community!r}", kind="team", id=name)
    return rows[0]["name"], kinds_of(rows[0]["name"], rows[0]["kinds"])
