"""The one settings object, read from the environment (see README: Configuration)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDCARE_", extra="ignore")

    home: Path = Field(Path("var"), description="data, config, logs and secrets of the managed Neo4j")
    cache: Path = Field(Path.home() / ".cache" / "gridcare", description="downloaded Neo4j jars")
    mode: Literal["development", "production"] = "development"

    neo4j_uri: str | None = Field(None, validation_alias=_alias("NEO4J_URI", "GRIDCARE_NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=_alias("NEO4J_USER", "GRIDCARE_NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(None, validation_alias=_alias("NEO4J_PASSWORD", "GRIDCARE_NEO4J_PASSWORD"))
    neo4j_database: str = Field("neo4j", validation_alias=_alias("NEO4J_DATABASE", "GRIDCARE_NEO4J_DATABASE"))

    neo4j_port: int | None = Field(None, description="Bolt port of the managed Neo4j (default: a free one)")
    # a community's import is one transaction, held in the heap: 2g holds the demo's ~7,000 residents with a
    # year of ~100,000 visits (1g does not)
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "512m"
    java_home: str | None = None

    id_hash_key: SecretStr | None = Field(
        None, description="key of the national-id hash; default: a generated key under home/secrets"
    )
    token_key: SecretStr | None = Field(
        None, description="key of the API-token hash; default (development only): generated under home/secrets"
    )
    auth: Literal["required", "off"] = Field(
        "required", description="bearer tokens on every non-public request; `off` only in development mode"
    )
    hotline: str | None = Field(None, description="the community hotline shown on QR finder pages and cards")
    public_url: str = Field("http://127.0.0.1:8000", description="public address of the service, for QR cards")
    qr_rate_per_client: int = Field(30, description="QR page views per client address per minute")
    qr_rate_per_code: int = Field(60, description="QR page views per code per minute")
    qr_notify_poll: float = Field(
        1.0, gt=0, le=60, description="seconds between two reads of new QR scans for `qrScanned` subscribers"
    )
    qr_notify_window: float = Field(
        600.0,
        ge=0,
        description="seconds within which repeated scans of one elder give one `qrScanned` event "
        "per subscriber (0: every scan)",
    )
    trusted_proxies: str | None = Field(
        None,
        description="addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated, as uvicorn's "
        "--forwarded-allow-ips); unset: the client's own address counts, whatever headers say",
    )
    query_deadline: float = Field(
        10.0, gt=0, le=600, description="seconds a GraphQL query may run before it is stopped (mutations finish)"
    )
    planner: bool = Field(
        True,
        description="answer covered GraphQL queries with one planned Cypher statement (`schema.planner`); "
        "off: every operation runs through graphql-core (benchmarks and tests compare both)",
    )
    console_dir: Path | None = Field(
        None, description="the built console (default: web/dist of the checkout, built by `make setup`)"
    )
    log_retention_days: int = Field(
        400,
        description="default cut-off (days) of `gridcare access-log prune` and `qr-scans prune`; "
        "183 (six months) at least",
    )

    @property
    def managed(self) -> bool:
        """True when gridcare runs its own Neo4j (no NEO4J_URI given)."""
        return not self.neo4j_uri


@lru_cache
def get_settings() -> Settings:
    return Settings()
