"""The codes copied into `analysis` stay equal to the ledger model's."""

from analysis import codes
from loaders import model


def test_codes_match_the_ledger_model():
    assert codes.LEADER_ROLES == model.LEADER_ROLES
    assert codes.POSTS == model.POSTS
    assert codes.CARE_KINDS == model.CARE_KINDS
    assert codes.SERVICE_ROLES == model.SERVICE_ROLES
    assert codes.SERVICE_ROLE_NAMES_ZH == model.SERVICE_ROLE_NAMES_ZH
