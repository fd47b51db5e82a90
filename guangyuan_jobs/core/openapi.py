"""drf-spectacular post-processing: the answers every operation can give, documented once for all of them.

Each view documents its own outcomes; the ones that come from the framework rather than from the view are
added here, so the schema promises no less than the API does (schemathesis checks every answer against it):
403 when the caller is not signed in, sends a wrong token (even to a public operation) or lacks the permission;
400 for a query parameter (`page` included: given twice, say) or a body that is not valid (a body that is not
JSON, say); 404 for a page number past the end of a list or an unknown reference in the path; 415 for a body in
a media type the operation does not read; and the single error shape of core/api.py on every 4xx answer that
names no body of its own."""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "The API's one error shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Machine-readable reason, e.g. `invalid`, `conflict`."},
                "message": {"type": "string", "description": "What went wrong, in the caller's language."},
                "fields": {"type": "object", "additionalProperties": True,
                           "description": "For bad input: each field with what is wrong with it."},
                "extra": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message"],
        },
    },
    "required": ["error"],
}
FORBIDDEN = "Not signed in, a wrong token, or not allowed to do this."
BAD_INPUT = "A query parameter or the body is not valid: `error.fields` names what is wrong."
NOT_FOUND_PAGE = "No such page of the list."
NOT_FOUND_PATH = "Nothing of that reference among what you may see."
UNSUPPORTED_MEDIA = "The body is in a media type this operation does not read."
METHODS = ("get", "put", "post", "patch", "delete")


def document_common_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    error_content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            query = {p.get("name") for p in parameters if p.get("in") == "query"}
            if operation.get("security"):
                responses.setdefault("403", {"description": FORBIDDEN})
            if query or "requestBody" in operation:
                responses.setdefault("400", {"description": BAD_INPUT})
            if "page" in query:
                responses.setdefault("404", {"description": NOT_FOUND_PAGE})
            if any(p.get("in") == "path" for p in parameters):
                responses.setdefault("404", {"description": NOT_FOUND_PATH})
            if "requestBody" in operation:
                responses.setdefault("415", {"description": UNSUPPORTED_MEDIA})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = error_content
    return result
