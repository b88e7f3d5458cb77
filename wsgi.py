"""The composition root: create_app wires config, database, extensions, surfaces and the CLI.

``app = create_app()`` serves gunicorn and the ``flask`` command.
"""

import logging

from flask import Flask, redirect, url_for
from flask_babel import gettext

# The surfaces are imported before any app is built: their Socket.IO handlers are then kept by
# the extension and bound to the server of every app created (tests build many).
from api import bp as api_bp
from counter import bp as counter_bp
from display import bp as display_bp
from junban import config as config_module
from junban import db, errors, realtime
from junban.clock import clock_from_setting
from junban.extensions import babel, csrf, limiter, login_manager, socketio
from junban.i18n import HTML_LANG, LANGUAGE_NAMES, current_language, select_locale
from junban.models import Staff
from kiosk import bp as kiosk_bp


def _load_staff(staff_id: str):
    return db.get_session().get(Staff, int(staff_id)) if staff_id.isdigit() else None


def _bind_extensions(app: Flask) -> None:
    db.init_app(app)
    errors.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "counter.login"
    login_manager.user_loader(_load_staff)
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    redis_url = app.config["REDIS_URL"]
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=redis_url,
        channel=app.config.get("SOCKETIO_CHANNEL", "junban"),
        cors_allowed_origins=app.config.get("CORS_ORIGINS", []),
        ping_interval=20,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
    )
    socketio.on_error_default(realtime.socket_error)
    if redis_url:
        import redis

        app.extensions["redis"] = redis.Redis.from_url(redis_url)


def _register_surfaces(app: Flask) -> None:
    for bp in (api_bp, kiosk_bp, counter_bp, display_bp):
        app.register_blueprint(bp)
    csrf.exempt(api_bp)  # the API checks Bearer tokens, or CSRF headers for browser sessions

    @app.get("/")
    def index():
        return redirect(url_for("display.home"))

    @app.get("/healthz")
    def healthz():
        """Liveness for the proxy and the process manager: the database answers."""
        from sqlalchemy import text

        db.get_session().execute(text("SELECT 1"))
        return {"ok": True}


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by ``config`` (tests, benchmarks)."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(config_module.from_environment())
    app.config.update(config or {})
    app.config.setdefault("CLOCK", clock_from_setting(app.config.get("JUNBAN_CLOCK"),
                                                      app.config.get("JUNBAN_CLOCK_SPEED")))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    _bind_extensions(app)
    _register_surfaces(app)

    @app.context_processor
    def _i18n_context():
        return {"current_lang": current_language, "LANGUAGE_NAMES": LANGUAGE_NAMES,
                "HTML_LANG": HTML_LANG, "_": gettext}

    from junban.cli import register as register_cli

    register_cli(app)
    return app


app = create_app()
