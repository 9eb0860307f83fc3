"""The reports of home services and matters, from the store: a month, and the "eight zeros" of a year.

The facts are read here (`graph.case_reads.request_facts`, `matter_facts`); the
counting is `analysis.service_report`, pure. Both check that the community exists.
"""

from __future__ import annotations

from datetime import timedelta

from analysis.service_report import EightZerosYear, ServicesReport, eight_zeros, month_bounds, services_report
from graph.case_reads import matter_facts, request_facts
from graph.cases import moment
from graph.service_settings import read_settings
from graph.store import Store

#: How far before a month a matter may have been reported and still climb in it (the office threshold's maximum).
ESCALATION_REACH = timedelta(days=181)


def month_report(store: Store, community: str, year: int, month: int) -> ServicesReport:
    """The month's report (`analysis.service_report.services_report`); `NotFound` for an unknown community."""
    settings = read_settings(store, community)
    start, end = (moment(t, "month") for t in month_bounds(year, month))
    requests = request_facts(store, community, start, end)
    matters = matter_facts(store, community, start - ESCALATION_REACH, end)
    return services_report(requests, matters, year, month, community=community, settings=settings)


def eight_zeros_year(store: Store, community: str, year: int) -> EightZerosYear:
    """The year's "eight zeros" of the kinds the community tracks; `NotFound` for an unknown community."""
    settings = read_settings(store, community)
    start, _ = month_bounds(year, 1)
    end, _ = month_bounds(year + 1, 1)
    matters = matter_facts(store, community, moment(start, "year"), moment(end, "year"))
    return eight_zeros(matters, year, community=community, tracked=[str(k) for k in settings.eight_zeros])
