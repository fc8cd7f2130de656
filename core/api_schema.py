"""The OpenAPI schema's error responses, documented once for every operation (drf-spectacular hook).

Every error of the API has one shape (``core.api``); this hook adds it as the ``Error``
component and documents, on each operation, the statuses it can answer with:

- 401 (no or bad credentials), 403 (role may not), 404 (unknown plan or object, or outside your
  scope; also a page number past the end) everywhere;
- 400 wherever the operation takes query parameters or a body;
- 415 wherever it takes a body (a body in none of the listed media types, or one that does not parse as its own);
- 409 where a write can meet a concurrent one (a stale report ``version``, conflicting imports), or a
  plan year's state (filing for a draft, any write to a closed year, publishing or closing out of turn);
- 429 where a per-user rate applies (the roster import, ``ROSTER_IMPORT_RATE``) and on the token
  endpoint, locked after repeated login failures (``retry_after``).
"""

from __future__ import annotations

import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# An as-of month (progress, subsidies, reconciliation): empty means the default month, as omitted.
AS_OF_PERIOD_PATTERN = r"^([0-9]{4}-(0[1-9]|1[0-2]))?$"


def as_of_period_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter("period", {"type": "string", "pattern": AS_OF_PERIOD_PATTERN}, description=description)


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of this API.",
    "properties": {
        "code": {"type": "string", "description": "invalid, not_found, permission_denied, conflict, throttled, …"},
        "detail": {"type": "string", "description": "a human message (Chinese unless English is chosen)"},
        "errors": {
            "type": "object",
            "description": "for validation errors: messages per dotted field path, e.g. lines.0.households",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "current_version": {"type": "integer", "nullable": True, "description": "on 409: the version to re-read"},
        "request_id": {"type": "string", "description": "on 500: quote it to the administrator"},
        "retry_after": {"type": "integer", "description": "on 429 (locked login): seconds until the lock ends"},
        "problems": {
            "type": "array",
            "description": "on a refused roster import (invalid_rows): every problem, by row and column",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer"},
                    "column": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                },
                "required": ["row", "message"],
            },
        },
        "rows": {"type": "integer", "description": "on a refused roster import: the data rows read"},
        "captcha": {
            "type": "object",
            "description": "on 429 captcha_required (an address past its login failure threshold): the challenge "
            "to show; send captcha_key and captcha_answer with the next request",
            "properties": {"key": {"type": "string"}, "image_url": {"type": "string"}},
            "required": ["key", "image_url"],
        },
    },
    "required": ["code", "detail"],
}
DESCRIPTIONS = {
    "400": "Invalid input: {code: invalid, detail, errors: {field.path: [messages]}}",
    "401": "Not signed in, or the token is not valid",
    "403": "Your role may not do this",
    "404": "Not found, or outside your scope",
    "409": "Conflict with a concurrent change or the plan year's state (closed): {code: conflict, detail, current_version}",
    "415": "The body is not in one of the media types listed: {code: unsupported_media_type, detail}",
    "429": "Too many requests; see the Retry-After header",
}
LOCKED = (
    "Locked after repeated login failures: {code: locked, detail, retry_after}, see the Retry-After header; "
    "or, from an address past its failure threshold, {code: captcha_required, detail, captcha: {key, image_url}}"
)
CONFLICT_OPERATIONS = {
    ("patch", "/api/v1/reports/{id}/"),
    ("post", "/api/v1/reports/{id}/submit/"),
    ("post", "/api/v1/reports/{id}/approve/"),
    ("post", "/api/v1/reports/{id}/return/"),
    ("post", "/api/v1/reports/{id}/reopen/"),
    ("post", "/api/v1/plans/{year}/households/import/"),
    # A plan's life (counties.services): a draft is not filed for; a closed year is read-only.
    ("post", "/api/v1/reports/"),
    ("post", "/api/v1/plans/{year}/targets/import/"),
    ("post", "/api/v1/plans/{year}/publish/"),
    ("post", "/api/v1/plans/{year}/close/"),
    ("post", "/api/v1/plans/{year}/subsidies/grid/allocations/"),
    ("post", "/api/v1/plans/{year}/subsidies/grid/investments/"),
    ("post", "/api/v1/plans/{year}/subsidies/grid/investments/{id}/void/"),
    ("post", "/api/v1/plans/{year}/subsidies/payments/"),
    ("post", "/api/v1/plans/{year}/subsidies/payments/{id}/void/"),
    ("patch", "/api/v1/plans/{year}/subsidies/rules/{id}/"),
    ("post", "/api/v1/plans/{year}/subsidies/settlements/"),
}
THROTTLED_OPERATIONS = {
    ("post", "/api/v1/plans/{year}/households/import/"),
    ("post", "/api/v1/auth/token/"),  # the login lock (accounts/lockout.py), not a rate
}
METHODS = {"get", "post", "put", "patch", "delete"}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            codes = ["401", "403", "404"]
            takes_input = "requestBody" in operation or any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            )
            if takes_input:
                codes.append("400")
            if "requestBody" in operation:
                codes.append("415")
            if (method, path) in CONFLICT_OPERATIONS:
                codes.append("409")
            if (method, path) in THROTTLED_OPERATIONS:
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses[code] = {"description": DESCRIPTIONS[code], "content": error}
            if path == "/api/v1/auth/token/":
                responses["429"]["description"] = LOCKED
            # A 4xx a view documents itself (a description only) is in the same shape: one schema for all.
            for code, response in responses.items():
                if code.startswith("4"):
                    response["content"] = error
    return result


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's field mapping, made as strict as the serializers are (schemathesis checks it).

    - A required text field trims whitespace before refusing a blank value: it needs a non-space.
    - drf-spectacular's decimal pattern (``^-?\\d{0,3}(?:\\.\\d{0,2})?$``) also matches "", "-" and ".",
      which DRF refuses: at least one digit.
    - ``allow_empty=False`` on a list is ``minItems: 1``.
    - Every ``period`` field of this API is a month, YYYY-MM (query parameters: as_of_period_parameter).
    - A digits-only path id is an integer.
    - A request serializer with ``refuses_unknown_keys`` (the assessment scheme) allows no other keys.
    """

    def _resolve_path_parameters(self, variables):
        # A viewset's lookup_value_regex (ASCII digits, see reports/api.py) makes drf-spectacular call the
        # id a patterned string; it is the integer id the path converters of the plain views give.
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter.get("schema") == {"type": "string", "pattern": "^[0-9]+$"}:
                parameter["schema"] = {"type": "integer"}
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_keys", False):
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict) or direction != "request":
            return schema
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = _decimal_pattern(schema["pattern"])
        elif isinstance(field, serializers.ListField) and not field.allow_empty:
            schema.setdefault("minItems", 1)
        elif type(field) is serializers.CharField:
            if field.field_name == "period":
                schema.setdefault("pattern", PERIOD_PATTERN)
            elif field.trim_whitespace and not field.allow_blank and "pattern" not in schema:
                schema["pattern"] = r"\S"
        return schema


DECIMAL = re.compile(r"\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$")


def _decimal_pattern(pattern: str) -> str:
    match = DECIMAL.fullmatch(pattern)
    if not match:
        return pattern
    whole, places = match.groups()
    return rf"^-?(\d{{1,{whole}}}(\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"
