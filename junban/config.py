"""Configuration from the environment, with safe embedded defaults (SQLite, no Redis)."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ["ja", "en", "zh", "ko", "vi", "ja_easy"]


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment; the embedded default keeps a random one on disk."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def from_environment() -> dict:
    """Build the Flask config mapping from environment variables."""
    instance = Path(os.environ.get("JUNBAN_INSTANCE", BASE_DIR / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'junban.db'}"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE", "threading"),
        # Redis pub/sub channel of the message queue: one per deployment sharing a Redis.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "junban"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or None,  # for ticket QR codes behind a proxy
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a console stays open all day
        "BABEL_DEFAULT_LOCALE": "ja",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Tokyo",
        "LANGUAGES": LANGUAGES,
        "KIOSK_RESET_SECONDS": int(os.environ.get("KIOSK_RESET_SECONDS", "20")),
        "KIOSK_AUTO_PRINT": os.environ.get("KIOSK_AUTO_PRINT", "1") not in ("0", "false", ""),
        "API_TOKEN_MAX_AGE": int(os.environ.get("API_TOKEN_MAX_AGE", str(12 * 3600))),
        "NAVIGATOR_KEY_DIR": os.environ.get("NAVIGATOR_KEY_DIR", str(instance / "keys")),
        "JUNBAN_CLOCK": os.environ.get("JUNBAN_CLOCK") or None,
        "JUNBAN_CLOCK_SPEED": os.environ.get("JUNBAN_CLOCK_SPEED") or None,
        # Rate limits per client address (behind a proxy set PROXY_COUNT so the address is real).
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_ISSUE": os.environ.get("RATELIMIT_ISSUE", "120/minute"),
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "10/minute"),
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "PRIORITY_LEAD_MINUTES": float(os.environ.get("PRIORITY_LEAD_MINUTES", "60")),
    }
