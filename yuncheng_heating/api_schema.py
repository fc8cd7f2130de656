"""The OpenAPI schema's error responses, documented once for every operation (drf-spectacular hook).

Every error of the API has one shape (``yuncheng_heating.api``); this hook adds it as the ``Error``
component and documents, on each operation, the statuses it can answer with:

- 401 (no or bad credentials), 403 (role may not), 404 (unknown plan or object, or outside your
  scope; also a page number past the end) everywhere;
- 400 wherever the operation takes query parameters or a body;
- 409 where a write can meet a concurrent one (a stale report ``version``, conflicting imports);
- 429 where a per-user rate applies (the roster import, ``ROSTER_IMPORT_RATE``).
"""

from __future__ import annotations

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
    },
    "required": ["code", "detail"],
}
DESCRIPTIONS = {
    "400": "Invalid input: {code: invalid, detail, errors: {field.path: [messages]}}",
    "401": "Not signed in, or the token is not valid",
    "403": "Your role may not do this",
    "404": "Not found, or outside your scope",
    "409": "Conflict with a concurrent change: {code: conflict, detail, current_version}",
    "429": "Too many requests; see the Retry-After header",
}
CONFLICT_OPERATIONS = {
    ("patch", "/api/v1/reports/{id}/"),
    ("post", "/api/v1/reports/{id}/submit/"),
    ("post", "/api/v1/reports/{id}/approve/"),
    ("post", "/api/v1/reports/{id}/return/"),
    ("post", "/api/v1/reports/{id}/reopen/"),
    ("post", "/api/v1/plans/{year}/households/import/"),
}
THROTTLED_OPERATIONS = {("post", "/api/v1/plans/{year}/households/import/")}
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
            if (method, path) in CONFLICT_OPERATIONS:
                codes.append("409")
            if (method, path) in THROTTLED_OPERATIONS:
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses[code] = {"description": DESCRIPTIONS[code], "content": error}
    return result
