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


@strawberry.enum(description="Who a caller is: the role of their API token.")
class Role(Enum):
    ADMIN = strawberry.enum_value(domain.Role.ADMIN.value, description="Administrator: every community (管理员).")
    STAFF = strawberry.enum_value(domain.Role.STAFF.value, description="Community staff (社区工作人员).")
    GRID_LEADER = strawberry.enum_value(domain.Role.GRID_LEADER.value, description="Grid leader (网格长).")
    BUILDING_LEADER = strawberry.enum_value(domain.Role.BUILDING_LEADER.value, description="Building leader (楼栋长).")
    UNIT_LEADER = strawberry.enum_value(domain.Role.UNIT_LEADER.value, description="Unit leader (单元长).")
    VOLUNTEER = strawberry.enum_value(domain.Role.VOLUNTEER.value, description="A red-vest volunteer (志愿者).")


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


@strawberry.enum(description="How a visit (探访) was made.")
class VisitMode(Enum):
    HOME = strawberry.enum_value(domain.VisitMode.HOME.value, description="At the elder's home (上门).")
    PHONE = strawberry.enum_value(domain.VisitMode.PHONE.value, description="By phone (电话).")
    VIDEO = strawberry.enum_value(domain.VisitMode.VIDEO.value, description="By video call (视频).")


@strawberry.enum(description="How a visit went. NOT_HOME is an attempt; every other outcome is a contact.")
class VisitOutcome(Enum):
    OK = strawberry.enum_value(domain.VisitOutcome.OK.value, description="All well (正常).")
    NEEDS_HELP = strawberry.enum_value(domain.VisitOutcome.NEEDS_HELP.value, description="Needs help (需要帮助).")
    NOT_HOME = strawberry.enum_value(
        domain.VisitOutcome.NOT_HOME.value, description="Not at home (不在家): an attempt, not a contact."
    )
    HOSPITAL = strawberry.enum_value(domain.VisitOutcome.HOSPITAL.value, description="In hospital (住院).")
    EMERGENCY = strawberry.enum_value(domain.VisitOutcome.EMERGENCY.value, description="An emergency (紧急).")


@strawberry.enum(description="Tiers of the visiting programme (关爱等级) for elders in special difficulty.")
class CareTier(Enum):
    HIGH = strawberry.enum_value(domain.CareTier.HIGH.value, description="High risk (高风险): visited weekly.")
    KEY = strawberry.enum_value(domain.CareTier.KEY.value, description="Key (重点): visited monthly.")
    GENERAL = strawberry.enum_value(domain.CareTier.GENERAL.value, description="General (一般): visited quarterly.")
    NONE = strawberry.enum_value(domain.CareTier.NONE.value, description="Outside the programme (无).")
