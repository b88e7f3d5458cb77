"""Domain errors translated to HTTP once (STYLE habit 7): JSON for the API, a page otherwise."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from core.errors import DomainError
from junban.auth import Unauthorized

STATUS = {
    "invalid_input": 400,
    "forbidden": 403,
    "not_found": 404,
    "illegal_transition": 409,
    "conflict": 409,
    "issuing_closed": 409,
    "numbers_exhausted": 409,
    "expired": 410,
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(error: str, message: str, status: int, **details):
    if wants_json():
        return jsonify({"error": error, "message": message, **details}), status
    return render_template("error.html", error=error, message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return error_response(exc.code, exc.message, STATUS.get(exc.code, 400), **exc.details)

    @app.errorhandler(Unauthorized)
    def _unauthorized(_exc):
        resp = error_response("unauthorized", "log in or send a valid Bearer token", 401)
        resp[0].headers["WWW-Authenticate"] = 'Bearer realm="junban"'
        return resp

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        name = (exc.name or "error").lower().replace(" ", "_")
        return error_response(name, exc.description or exc.name, exc.code or 500)
