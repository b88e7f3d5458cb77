"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

ERROR = {"$ref": "#/components/schemas/Error"}
ESTIMATE = {"$ref": "#/components/schemas/Estimate"}


def _errors(*codes: int) -> dict:
    text = {400: "Bad input", 401: "Not authenticated", 403: "Not allowed", 404: "Not found",
            409: "Illegal transition or conflict", 410: "Expired", 429: "Too many requests"}
    return {str(c): {"description": text[c],
                     "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _obj(**props) -> dict:
    return {"type": "object", "properties": props}


S, INT, B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULLABLE_EST = {"oneOf": [ESTIMATE, {"type": "null"}]}
TICKET_VIEW = _obj(display_number=S, status={"type": "string", "enum": [
    "waiting", "called", "serving", "done", "no_show", "on_hold", "cancelled", "transferred"]},
    position=INT, estimate=NULLABLE_EST, counter={"type": ["string", "null"]}, service=S,
    service_name=S, can_cancel=B)
COUNTER_ID = {"name": "counter", "in": "path", "required": True, "schema": INT}
OFFICE = {"name": "office", "in": "path", "required": True, "schema": S}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": S}
BEARER = [{"bearer": []}, {"session": []}]
TICKET_REF = _obj(ticket={"type": "string", "description": "ticket token or display number"})


def _counter_op(summary: str, body: dict | None = None) -> dict:
    op = {"summary": summary, "security": BEARER, "parameters": [COUNTER_ID],
          "responses": {"200": _json(_obj(ticket=TICKET_VIEW, event=S, counter=_obj())),
                        **_errors(400, 401, 403, 404, 409)}}
    if body:
        op["requestBody"] = {"content": {"application/json": {"schema": body}}}
    return op


def document() -> dict:
    """The OpenAPI document: every path of the /api/v1 contract with its errors."""
    actions = {
        "recall": "Call the counter's current ticket again (the recall count is kept)",
        "start": "Start serving the called ticket",
        "finish": "Finish the ticket's step (opens its next planned step, if any)",
        "no-show": "Mark the called ticket as not present",
        "reinstate": "Put a no-show ticket back in the queue (body: ticket)",
        "hold": "Park the ticket while the resident fetches a document",
        "resume": "Put a held ticket back in the queue",
        "transfer": "Close this step and queue the ticket for another service",
    }
    paths = {
        "/offices": {"get": {"summary": "Offices with their services and counters",
                             "responses": {"200": _json({"type": "array", "items": _obj(
                                 code=S, name=S, services={"type": "array"},
                                 counters={"type": "array"})})}}},
        "/offices/{office}/tickets": {"post": {
            "summary": "Issue a ticket", "parameters": [OFFICE],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                **_obj(service=S, priority=B, lang={"type": "string", "enum": [
                    "ja", "ja_easy", "en", "zh", "ko", "vi"]},
                    services={"type": "array", "items": S,
                              "description": "further services, in order"}),
                "required": ["service"]}}}},
            "responses": {"201": _json(_obj(number=INT, display_number=S, token=S, service=S,
                                            position=INT, estimate=NULLABLE_EST, status_url=S),
                                       "Issued and committed"),
                          **_errors(400, 404, 409)}}},
        "/offices/{office}/status": {"get": {
            "summary": "Waiting counts, estimates and numbers being called",
            "parameters": [OFFICE],
            "responses": {"200": _json(_obj(
                services={"type": "array",
                          "items": _obj(code=S, waiting=INT, estimate=NULLABLE_EST)},
                calling={"type": "array", "items": _obj(display_number=S, counter=S)},
                updated_at=S)), **_errors(404)}}},
        "/tickets/{token}": {"get": {"summary": "A ticket's status (no personal data)",
                                     "parameters": [TOKEN],
                                     "responses": {"200": _json(TICKET_VIEW), **_errors(404)}}},
        "/tickets/{token}/cancel": {"post": {"summary": "The resident cancels a waiting ticket",
                                             "parameters": [TOKEN],
                                             "responses": {"200": _json(TICKET_VIEW),
                                                           **_errors(404, 409)}}},
        "/auth/token": {"post": {
            "summary": "A Bearer token for scripts",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                **_obj(username=S, password=S), "required": ["username", "password"]}}}},
            "responses": {"200": _json(_obj(token=S, role=S, expires_in=INT)),
                          **_errors(400, 401)}}},
        "/counters/{counter}": {"get": {"summary": "The counter console's view",
                                        "security": BEARER, "parameters": [COUNTER_ID],
                                        "responses": {"200": _json(_obj()),
                                                      **_errors(401, 403, 404)}}},
        "/counters/{counter}/take": {"post": _counter_op("Take the counter and open it")},
        "/counters/{counter}/state": {"post": _counter_op(
            "Open, pause or close the counter",
            {**_obj(state={"type": "string", "enum": ["open", "paused", "closed"]})})},
        "/counters/{counter}/call": {"post": {
            **_counter_op("Call the next ticket by the counter's policy, or a given one",
                          TICKET_REF),
            "responses": {**_counter_op("")["responses"],
                          "204": {"description": "Nothing is waiting"}}}},
    }
    for action, summary in actions.items():
        body = _obj(ticket=S, service=S) if action == "transfer" else TICKET_REF
        paths[f"/counters/{{counter}}/{action}"] = {"post": _counter_op(summary, body)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Junban API", "version": "1",
                 "description": "Queue and counter operations for ward offices."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {**_obj(error=S, message=S), "required": ["error", "message"]},
                "Estimate": {**_obj(minutes=INT, low=INT, high=INT),
                             "description": "Minutes until called, with an 80 % range"},
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                            "description": "A logged-in staff session plus its CSRF token"},
            },
        },
    }
