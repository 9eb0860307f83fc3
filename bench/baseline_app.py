"""The `Elders` page served by a minimal hand-written FastAPI route: the baseline of `bench/throughput_bench.py`.

    uvicorn bench.baseline_app:create --factory --port 8001

``POST /elders`` with ``{"name": community, "first": n}`` answers exactly what
gridcare answers the `Elders` query of `tests/api/test_graphql_read.py` (a page
of solitary elders 80+, by name), in the same JSON. What gridcare does around it
is cut down to what such a route needs: the bearer token is looked up by its keyed
hash (`api.tokens.hash_token`) and refused when unknown, revoked or expired; then
one hand-written Cypher statement returns the page with its total, buildings and
caregivers, through Neo4j's async driver. No GraphQL, no limits, no metrics, no
reach (the bench asks with an admin token). It connects as gridcare does (the
managed Neo4j, or NEO4J_URI).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import neo4j
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from analysis.domain import age_on, born_by, today
from api.settings import get_settings
from api.store import connection
from api.tokens import token_key

TOKEN = "MATCH (t:ApiToken {hash: $hash}) RETURN t.revokedAt AS revoked, t.expiresAt AS expires"
ELDERS = """
CALL () {
  MATCH (r:Resident {community: $community, status: 'active'}) WHERE r.livesAlone = true AND r.birthDate <= $born
  RETURN count(r) AS total
}
CALL () {
  MATCH (r:Resident {community: $community, status: 'active'}) WHERE r.livesAlone = true AND r.birthDate <= $born
  WITH r ORDER BY r.name, r.id LIMIT $limit
  RETURN collect(r {
    .id, .name, .birthDate,
    building: COLLECT {
      MATCH (r)-[:LIVES_IN]->(:Household)<-[:HAS_HOUSEHOLD]-(:Unit)<-[:HAS_UNIT]-(b:Building)<-[:HAS_BUILDING]-(:Grid)
      RETURN {number: b.number}
    }[0],
    caregivers: COLLECT {
      MATCH (g:Resident)-[c:CARES_FOR]->(r)
      WHERE (c.since IS NULL OR c.since <= $today) AND (c.until IS NULL OR c.until >= $today)
      WITH DISTINCT g ORDER BY g.id RETURN {name: g.name}
    }
  }) AS page
}
RETURN total, page
"""


def create() -> FastAPI:
    settings = get_settings()
    key = token_key(settings)
    conn = connection(settings, say=lambda _: None)
    driver = neo4j.AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await driver.close()

    app = FastAPI(lifespan=lifespan)

    async def read(cypher: str, **params: object) -> list[neo4j.Record]:
        records, _, _ = await driver.execute_query(
            cypher, params, database_=conn.database, routing_=neo4j.RoutingControl.READ
        )
        return records

    @app.get("/livez")
    async def livez() -> dict:
        return {"status": "ok"}

    @app.post("/elders")
    async def elders(request: Request) -> JSONResponse:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        found = await read(TOKEN, hash=hmac.new(key, token.encode(), hashlib.sha256).hexdigest())
        expires = found[0]["expires"] if found else None
        if scheme.lower() != "bearer" or not found or found[0]["revoked"] is not None:
            return JSONResponse({"error": "invalid token"}, status_code=401)
        if expires is not None and expires.to_native() <= datetime.now(UTC):
            return JSONResponse({"error": "token expired"}, status_code=401)
        body = await request.json()
        day = today()
        first = body["first"]
        row = (await read(ELDERS, community=body["name"], born=born_by(day, 80), today=day, limit=first + 1))[0]
        return JSONResponse({"data": {"residents": _page(row["total"], row["page"], first, day)}})

    return app


def _page(total: int, people: list[dict], first: int, day) -> dict:
    edges = [
        {
            "cursor": _cursor(p["name"], p["id"]),
            "node": {
                "id": p["id"],
                "name": p["name"],
                "age": age_on(p["birthDate"].to_native(), day),
                "building": p["building"],
                "caregivers": p["caregivers"],
            },
        }
        for p in people[:first]
    ]
    info = {"hasNextPage": len(people) > first, "endCursor": edges[-1]["cursor"] if edges else None}
    return {"totalCount": total, "edges": edges, "pageInfo": info}


def _cursor(name: str, rid: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(["NAME", name, rid], ensure_ascii=False).encode()).decode()
