"""`gridcare qr-cards`: codes issued for the chosen elders, a printable PDF, old cards dead."""

from fastapi.testclient import TestClient

from api.app import create_app
from api.cards import given_name
from api.settings import Settings


def test_given_names():
    assert given_name("王秀英") == "秀英"
    assert given_name("欧阳娜娜") == "娜娜"
    assert given_name("李") == "李"
    assert given_name("Anna Li") == "Anna"


def codes(driver, database, community):
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c})-[:HAS_QR]->(q:QrCode) RETURN r.residentId AS r, q.hash AS h",
        c=community, database_=database)
    return {x["r"]: x["h"] for x in records}


def test_cards_for_a_building(gridcare, driver, database, seeded, tmp_path, gridcare_home):
    out = tmp_path / "cards.pdf"
    done = gridcare("qr-cards", "--community", seeded, "--building", "1", "--out", out,
                    "--base-url", "https://gridcare.example", env={"GRIDCARE_HOTLINE": "0431-1234"}, check=True)
    assert "Wrote 3 cards on 1 page(s)" in done.stdout
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 2000
    first = codes(driver, database, seeded)
    assert set(first) == {"A1", "A2", "A3"}  # the elders of building 1; A4 is 36, A5 lives in building 2
    gridcare("qr-cards", "--community", seeded, "--resident", "A1", "--out", out, check=True)
    second = codes(driver, database, seeded)
    assert second["A1"] != first["A1"] and second["A2"] == first["A2"]  # A1's old card is dead


def test_a_card_opens_the_finder_page(gridcare, driver, database, seeded, tmp_path, gridcare_home, monkeypatch):
    import api.cards

    urls = []
    monkeypatch.setattr(api.cards, "write_cards", lambda path, cards, hotline: urls.extend(u for _, u in cards) or 1)
    from click.testing import CliRunner

    from api.cli import main
    from api.settings import get_settings

    env = {"GRIDCARE_HOME": str(gridcare_home), "GRIDCARE_PUBLIC_URL": "http://testserver"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["qr-cards", "--community", seeded, "--resident", "A3",
                                           "--out", str(tmp_path / "c.pdf")], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    app = create_app(Settings(home=gridcare_home), driver=driver, database=database)
    with TestClient(app) as finder:
        page = finder.get(urls[0].removeprefix("http://testserver"))
    assert page.status_code == 200 and "张桂兰" in page.text


def test_no_matching_elder_is_a_clear_error(gridcare, seeded, tmp_path):
    done = gridcare("qr-cards", "--community", seeded, "--building", "99", "--out", tmp_path / "x.pdf")
    assert done.returncode == 1 and "no elder aged 60+ matches" in done.stderr
