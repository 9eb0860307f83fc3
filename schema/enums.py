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


@strawberry.enum(description="Kinds of home service: the six deliveries (六送) and any other.")
class ServiceKind(Enum):
    HAIRCUT = strawberry.enum_value(domain.ServiceKind.HAIRCUT.value, description="Haircut (理发).")
    BATHING = strawberry.enum_value(domain.ServiceKind.BATHING.value, description="Bathing (洗澡).")
    MEALS = strawberry.enum_value(domain.ServiceKind.MEALS.value, description="Meals (配餐).")
    MEDICINE = strawberry.enum_value(domain.ServiceKind.MEDICINE.value, description="Medicine (医药).")
    HOUSEKEEPING = strawberry.enum_value(domain.ServiceKind.HOUSEKEEPING.value, description="Housekeeping (家政).")
    ERRANDS = strawberry.enum_value(
        domain.ServiceKind.ERRANDS.value, description="Errands done on their behalf (代办)."
    )
    OTHER = strawberry.enum_value(domain.ServiceKind.OTHER.value, description="Anything else (其他).")


@strawberry.enum(description="Where a home-service request stands.")
class RequestStatus(Enum):
    REQUESTED = strawberry.enum_value(
        domain.RequestStatus.REQUESTED.value, description="Asked, waiting for someone to accept it (待接单)."
    )
    ACCEPTED = strawberry.enum_value(domain.RequestStatus.ACCEPTED.value, description="Accepted (已接单).")
    DONE = strawberry.enum_value(domain.RequestStatus.DONE.value, description="Done (已完成).")
    CANCELLED = strawberry.enum_value(domain.RequestStatus.CANCELLED.value, description="Cancelled (已取消).")
    EXPIRED = strawberry.enum_value(
        domain.RequestStatus.EXPIRED.value, description="Nobody accepted it within its wanted window (已过期)."
    )


@strawberry.enum(description="Who asked for a request on the elder's behalf.")
class Asker(Enum):
    SELF = strawberry.enum_value(domain.Asker.SELF.value, description="The elder (本人).")
    FAMILY = strawberry.enum_value(domain.Asker.FAMILY.value, description="Family (家属).")
    LEADER = strawberry.enum_value(domain.Asker.LEADER.value, description="A grid, building or unit leader (三长).")
    OFFICE = strawberry.enum_value(domain.Asker.OFFICE.value, description="Community staff (社区工作人员).")
    NEIGHBOUR = strawberry.enum_value(domain.Asker.NEIGHBOUR.value, description="A neighbour (邻居).")


@strawberry.enum(description="What a resident brings to a talk point (百姓说事).")
class MatterKind(Enum):
    DISPUTE = strawberry.enum_value(domain.MatterKind.DISPUTE.value, description="A dispute (纠纷).")
    REPAIR = strawberry.enum_value(domain.MatterKind.REPAIR.value, description="A repair (报修).")
    COMPLAINT = strawberry.enum_value(domain.MatterKind.COMPLAINT.value, description="A complaint (投诉).")
    ADVICE = strawberry.enum_value(domain.MatterKind.ADVICE.value, description="A question, advice (咨询).")


@strawberry.enum(description="Where a matter stands.")
class MatterStatus(Enum):
    REPORTED = strawberry.enum_value(domain.MatterStatus.REPORTED.value, description="Reported (已登记).")
    ASSIGNED = strawberry.enum_value(domain.MatterStatus.ASSIGNED.value, description="Assigned (已分派).")
    HANDLED = strawberry.enum_value(domain.MatterStatus.HANDLED.value, description="Handled (已处理).")
    CLOSED = strawberry.enum_value(domain.MatterStatus.CLOSED.value, description="Closed (已办结).")


@strawberry.enum(description="Where a matter was raised.")
class MatterChannel(Enum):
    TALK_POINT = strawberry.enum_value(
        domain.MatterChannel.TALK_POINT.value, description="A people's talk point (百姓说事点)."
    )
    WATCH_POST = strawberry.enum_value(
        domain.MatterChannel.WATCH_POST.value, description="A neighbour watch post (邻里守望哨)."
    )
    LEADER = strawberry.enum_value(domain.MatterChannel.LEADER.value, description="Raised by a leader (三长反映).")
    OFFICE = strawberry.enum_value(domain.MatterChannel.OFFICE.value, description="At the community office.")


@strawberry.enum(description="The resident's satisfaction when a matter is closed.")
class Satisfaction(Enum):
    SATISFIED = strawberry.enum_value(domain.Satisfaction.SATISFIED.value, description="Satisfied (满意).")
    NEUTRAL = strawberry.enum_value(domain.Satisfaction.NEUTRAL.value, description="Fairly satisfied (基本满意).")
    DISSATISFIED = strawberry.enum_value(domain.Satisfaction.DISSATISFIED.value, description="Dissatisfied (不满意).")


@strawberry.enum(description="How far up a matter that waited too long has gone.")
class Escalation(Enum):
    NONE = strawberry.enum_value(domain.Escalation.NONE.value, description="Not escalated.")
    GRID = strawberry.enum_value(domain.Escalation.GRID.value, description="To the grid leader (网格长).")
    OFFICE = strawberry.enum_value(domain.Escalation.OFFICE.value, description="To the community office.")


@strawberry.enum(description='The "eight zeros" (八零) a community aims at every year.')
class EightZero(Enum):
    PETITION = strawberry.enum_value(domain.EightZero.PETITION.value, description="Petitions (信访).")
    DRUGS = strawberry.enum_value(domain.EightZero.DRUGS.value, description="Drug use (吸毒).")
    CRIME = strawberry.enum_value(domain.EightZero.CRIME.value, description="Crime (刑事案件).")
    DROPOUT = strawberry.enum_value(domain.EightZero.DROPOUT.value, description="School drop-outs (辍学).")
    PUBLIC_SECURITY = strawberry.enum_value(
        domain.EightZero.PUBLIC_SECURITY.value, description="Public-security cases (治安案件)."
    )
    JOBLESS_FAMILY = strawberry.enum_value(
        domain.EightZero.JOBLESS_FAMILY.value, description="Families without work (零就业家庭)."
    )
    ESCALATED_CONFLICT = strawberry.enum_value(
        domain.EightZero.ESCALATED_CONFLICT.value, description="Escalated conflicts (矛盾激化)."
    )
    DOMESTIC_VIOLENCE = strawberry.enum_value(
        domain.EightZero.DOMESTIC_VIOLENCE.value, description="Domestic violence (家庭暴力)."
    )


@strawberry.enum(description="Why points moved.")
class MovementKind(Enum):
    REQUEST = strawberry.enum_value(domain.MovementKind.REQUEST.value, description="Earned: a home service done.")
    VISIT = strawberry.enum_value(domain.MovementKind.VISIT.value, description="Earned: a contact visit (探访).")
    PATROL = strawberry.enum_value(domain.MovementKind.PATROL.value, description="Earned: a patrol shift (巡逻).")
    GOOD_DEED = strawberry.enum_value(
        domain.MovementKind.GOOD_DEED.value, description="Earned: a good deed (好人好事)."
    )
    REDEMPTION = strawberry.enum_value(domain.MovementKind.REDEMPTION.value, description="Spent on a gift (兑换).")
    REVERSAL = strawberry.enum_value(
        domain.MovementKind.REVERSAL.value, description="A counter-movement correcting an earlier one (冲正)."
    )
