"""The first GraphQL schema over HTTP: communities and the counts of their parts."""

from api.app import create_app
from api.settings import Settings

COUNTS = """query($name: String!) {
  community(name: $name) { name stats { grids buildings units residents leaders { building { A B } } } }
}"""


def test_community_counts_over_http(store, demo_community, tmp_path, authorized_client):
    app = create_app(Settings(home=tmp_path), store=store)
    with authorized_client(app) as client:
        answer = client.post("/graphql", json={"query": COUNTS, "variables": {"name": demo_community}}).json()
        listed = client.post("/graphql", json={"query": "{ communities { name stats { grids } } }"}).json()
        missing = client.post("/graphql", json={"query": COUNTS, "variables": {"name": "没有这个社区"}}).json()
    stats = answer["data"]["community"]["stats"]
    assert (stats["grids"], stats["buildings"], stats["units"]) == (10, 11, 45)
    assert stats["leaders"]["building"] == {"A": 10, "B": stats["leaders"]["building"]["B"]}
    assert {"name": demo_community, "stats": {"grids": 10}} in listed["data"]["communities"]
    assert missing == {"data": {"community": None}}
