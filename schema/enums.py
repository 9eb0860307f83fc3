"""The domain's codes as GraphQL enums, each member's value a code of `analysis.domain`.

The members and their values are the domain's (a test holds each enum equal to its
domain enum); what this module adds is the GraphQL description of each. `code`
turns a member back into its plain code for the layers below.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from analysis import domain


def code(member: Enum) -> str:
    """The domain code a GraphQL enum member stands for (``LeaderRole.GRID_LEADER`` → ``grid_leader``)."""
    return str(member.value)


def service_order(member: Enum) -> int:
    """A grid service role's place in the domain's order of the eight (enum members do not compare)."""
    return domain.SERVICE_ROLES.index(domain.ServiceRole(code(member)))


@strawberry.enum(description="The three leaders (三长).")
class LeaderRole(Enum):
    GRID_LEADER = strawberry.enum_value(domain.Role.GRID_LEADER.value, description="Grid leader (网格长).")
    BUILDING_LEADER = strawberry.enum_value(domain.Role.BUILDING_LEADER.value, description="Building leader (楼栋长).")
    UNIT_LEADER = strawberry.enum_value(domain.Role.UNIT_LEADER.value, description="Unit leader (单元长).")


@strawberry.enum(description="AB posts (AB岗): every post has a primary (A) and a backup (B).")
class Post(Enum):
    A = strawberry.enum_value(domain.Post.A.value, description="The primary post (A岗).")
    B = strawberry.enum_value(domain.Post.B.value, description="The backup post (B岗).")


@strawberry.enum(description="Kinds of care relationship.")
class CareKind(Enum):
    RESPONSIBILITY = strawberry.enum_value(
        domain.CareKind.RESPONSIBILITY.value, description="Responsibility assignment (包保)."
    )
    FAMILY = strawberry.enum_value(domain.CareKind.FAMILY.value, description="Family (家属).")
    VOLUNTEER = strawberry.enum_value(domain.CareKind.VOLUNTEER.value, description="A volunteer (志愿者).")
    NEIGHBOUR = strawberry.enum_value(domain.CareKind.NEIGHBOUR.value, description="A neighbour (邻居).")


@strawberry.enum(description="Whether a resident still lives in the community.")
class ResidentStatus(Enum):
    ACTIVE = strawberry.enum_value(domain.ResidentStatus.ACTIVE.value, description="Lives in the community.")
    MOVED_OUT = strawberry.enum_value(
        domain.ResidentStatus.MOVED_OUT.value, description="Moved out; their history stays."
    )
    DECEASED = strawberry.enum_value(domain.ResidentStatus.DECEASED.value, description="Died; their history stays.")


@strawberry.enum(description="The 8 grid service roles (网格服务员) every grid fills.")
class ServiceRole(Enum):
    SECURITY_PATROLLER = strawberry.enum_value(
        domain.ServiceRole.SECURITY_PATROLLER.value, description="Public-security patroller (治安巡逻员)."
    )
    ENVIRONMENT_KEEPER = strawberry.enum_value(
        domain.ServiceRole.ENVIRONMENT_KEEPER.value, description="Environment keeper (环境美洁员)."
    )
    DISPUTE_MEDIATOR = strawberry.enum_value(
        domain.ServiceRole.DISPUTE_MEDIATOR.value, description="Dispute mediator (矛盾调处员)."
    )
    NEIGHBOUR_WATCHER = strawberry.enum_value(
        domain.ServiceRole.NEIGHBOUR_WATCHER.value, description="Neighbour watcher (邻里守望员)."
    )
    LIFE_ADVISER = strawberry.enum_value(
        domain.ServiceRole.LIFE_ADVISER.value, description="Life adviser (生活指导员)."
    )
    POLITICAL_PUBLICIST = strawberry.enum_value(
        domain.ServiceRole.POLITICAL_PUBLICIST.value, description="Political-education publicist (政治教育宣传员)."
    )
    SCIENCE_COMMUNICATOR = strawberry.enum_value(
        domain.ServiceRole.SCIENCE_COMMUNICATOR.value, description="Science-knowledge communicator (科学知识传播员)."
    )
    CULTURE_SPORTS_ORGANISER = strawberry.enum_value(
        domain.ServiceRole.CULTURE_SPORTS_ORGANISER.value, description="Culture and sports organiser (文体活动组织员)."
    )


@strawberry.enum(description="Why a resident leaves the living register; their history stays.")
class RemovalReason(Enum):
    MOVED_OUT = strawberry.enum_value(domain.ResidentStatus.MOVED_OUT.value, description="Moved out of the community.")
    DECEASED = strawberry.enum_value(domain.ResidentStatus.DECEASED.value, description="Died.")
