"""The app's own exception types and the friendly error pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class TrackerError(Exception):
    """A rule of the service was not met; the message is shown to the person as it is."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(TrackerError):
    status = 404
    code = "not_found"


class Forbidden(TrackerError):
    status = 403
    code = "forbidden"


class Conflict(TrackerError):
    status = 409
    code = "conflict"


API_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str, fields: dict[str, str] | None = None) -> Any:
    body = {"error": {"code": API_CODES.get(status, "error"), "message": message}}
    body["error"]["fields"] = fields or {}  # type: ignore[assignment]
    return jsonify(body), status


PAGE_FOR = {400: 400, 401: 403, 403: 403, 404: 404, 405: 404, 413: 400, 429: 429}


def init_app(app: Flask) -> None:
    @app.errorhandler(TrackerError)
    def _tracker_error(error: TrackerError) -> Any:
        if is_api_request():
            return api_error(error.status, error.message, error.fields)
        page = PAGE_FOR.get(error.status, 400)
        return render_template(f"errors/{page}.html", message=error.message), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> Any:
        if is_api_request():
            return api_error(400, "The request could not be checked. Please try again.")
        return render_template("errors/400.html", expired=True), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if is_api_request():
            message = {
                401: "Sign in with a valid API token.",
                404: "Nothing was found at that address.",
                405: "That method is not allowed here.",
                413: "The upload is too large.",
                429: "Too many requests. Wait a minute and try again.",
            }.get(status, error.description or "The request could not be handled.")
            return api_error(status, message)
        page = PAGE_FOR.get(status, 500 if status >= 500 else 400)
        too_big = (
            "The file was too big. The largest file we can take is 10 MB: try a smaller photo, "
            "or a PDF. Please go back and try again."
        )
        return render_template(
            f"errors/{page}.html", message=too_big if status == 413 else None
        ), status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        app.logger.exception("Unhandled error")
        if is_api_request():
            return api_error(500, "Something went wrong on our side.")
        return render_template("errors/500.html"), 500
