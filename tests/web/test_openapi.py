"""The OpenAPI description and the URLconf tell the same story."""

from __future__ import annotations

import json
import re

from django.test import Client

from hub.urls import api
from hub.web.views import OPENAPI_PATH


def spec_paths() -> dict[str, dict[str, object]]:
    paths: dict[str, dict[str, object]] = json.loads(OPENAPI_PATH.read_text())["paths"]
    return paths


def test_every_api_route_is_described_and_nothing_else() -> None:
    routes = {"/api/" + re.sub(r"<\w+:(\w+)>", r"{\1}", str(p.pattern)) for p in api}
    assert routes == set(spec_paths())


def test_served_as_json(db: None) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")
    assert response.json()["paths"] == spec_paths()
