"""The generated Changshan Garden, imported through the CLI, shows the published numbers."""

import json


def test_demo_stats_show_the_published_numbers(gridcare, demo_community):
    s = json.loads(gridcare("stats", "--community", demo_community, "--format", "json", check=True).stdout)
    assert s["community"] == demo_community
    assert (s["grids"], s["buildings"], s["units"]) == (10, 11, 45)
    assert s["leaders"]["building"]["A"] == 10
    assert s["leaders"]["unit"]["A"] == 45
    assert s["leaders"]["grid"]["A"] == 10
    assert s["party_groups"] == 24
    assert s["party_member_households"] == 161
    assert 3050 <= s["households"] <= 3150
    assert 6900 <= s["residents"] <= 7100
    assert 0.62 <= s["elders"] / s["residents"] <= 0.63
    assert s["volunteer_teams"] == 13  # 12 red-vest teams and the patrol
    assert s["care_relationships"] > 7


def test_demo_reimport_changes_nothing(gridcare, demo_ledger, demo_community):
    done = gridcare("import", demo_ledger, "--community", demo_community, check=True)
    assert "already up to date" in done.stdout


def test_stats_text_is_readable(gridcare, demo_community):
    text = gridcare("stats", "--community", demo_community, check=True).stdout
    assert "网格 grids: 10" in text and "楼栋 buildings: 11" in text
