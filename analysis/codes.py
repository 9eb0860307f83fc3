"""Codes shared by the analyses, copied from the ledger model.

`analysis` imports no other package of the project (an import-linter contract
holds that line), so the few codes it needs are repeated here. They must stay
equal to ``loaders.model``; ``tests/analysis/test_codes.py`` checks that.
"""

LEADER_ROLES = ("grid_leader", "building_leader", "unit_leader")
POSTS = ("A", "B")
CARE_KINDS = ("responsibility", "family", "volunteer", "neighbour")
SERVICE_ROLES = (
    "security_patroller",
    "environment_keeper",
    "dispute_mediator",
    "neighbour_watcher",
    "life_adviser",
    "political_publicist",
    "science_communicator",
    "culture_sports_organiser",
)
SERVICE_ROLE_NAMES_ZH = dict(
    zip(
        SERVICE_ROLES,
        (
            "治安巡逻员",
            "环境美洁员",
            "矛盾调处员",
            "邻里守望员",
            "生活指导员",
            "政治教育宣传员",
            "科学知识传播员",
            "文体活动组织员",
        ),
    )
)
LEADER_ROLE_NAMES_ZH = {
    "grid_leader": "网格长",
    "building_leader": "楼栋长",
    "unit_leader": "单元长",
}
# the scope kind each leader role leads, and back
ROLE_OF_KIND = {"grid": "grid_leader", "building": "building_leader", "unit": "unit_leader"}
KIND_OF_ROLE = {role: kind for kind, role in ROLE_OF_KIND.items()}
