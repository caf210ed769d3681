"""A small OpenAPI 3.0 document of a Local Offer's Open Referral UK API (built here, not read from
a file: the response schemas are the UK profile's, named by URL)."""

from __future__ import annotations

from typing import Any

SCHEMAS = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/compiled/"


def _param(name: str, kind: str = "string", where: str = "query", description: str = "") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": kind},
            "description": description}  # fmt: skip


def _get(summary: str, params: list[dict[str, Any]], schema: str, optional: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + schema}}},
            },
            "404": {"description": "Not found"},
        },
    }
    if optional:
        op["tags"] = ["Optional"]
    return {"get": op}


def document(title: str, base: str) -> dict[str, Any]:
    paging = [_param("page", "integer"), _param("per_page", "integer", description="At most 100")]
    service_filters = [
        _param("search", description="Words in the name or description (also accepted as text)"),
        _param("text"), _param("minimum_age", "integer"), _param("maximum_age", "integer"),
        _param("taxonomy_term_id"), _param("taxonomy_id"), _param("day", description="MO, TU, WE, TH, FR, SA or SU"),
        _param("start_time", description="HH:MM"), _param("end_time", description="HH:MM"),
    ]  # fmt: skip
    ident = [_param("id", where="path")]
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{title}: Open Referral UK API", "version": "HSDS-UK-3.0"},
        "servers": [{"url": base.rstrip("/")}],
        "paths": {
            "/": {"get": {"summary": "About this API", "responses": {"200": {"description": "OK"}}}},
            "/services": _get("Published services", service_filters + paging, "service_list.json"),
            "/services/{id}": _get("One service, fully nested", ident, "service.json"),
            "/service_at_locations": _get(
                "Services at their public locations",
                [_param("search"), _param("postcode"), _param("proximity", "integer", description="Metres")] + paging,
                "service_at_location_list.json", optional=True,
            ),
            "/service_at_locations/{id}": _get("One service at a location", ident, "service_at_location.json", True),
            "/taxonomies": _get("Taxonomies", [], "taxonomy.json", True),
            "/taxonomies/{id}": _get("One taxonomy", ident, "taxonomy.json", True),
            "/taxonomy_terms": _get("Taxonomy terms", [_param("taxonomy_id")], "taxonomy_term.json", True),
            "/taxonomy_terms/{id}": _get("One taxonomy term", ident, "taxonomy_term.json", True),
        },
    }  # fmt: skip
