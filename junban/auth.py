"""Staff accounts: hashed passwords, roles, login sessions and Bearer tokens for scripts."""

from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.errors import Forbidden, InvalidInput
from junban.models import Office, Staff

ROLES = ("clerk", "manager", "admin")
ROLE_RANK = {role: i for i, role in enumerate(ROLES)}
_DUMMY_HASH = generate_password_hash("not-a-password")


class Unauthorized(Exception):
    """Raised when a request needs a logged-in staff member."""


def create_staff(session: Session, username: str, password: str, role: str = "clerk",
                 display_name: str = "", offices: list[Office] | None = None) -> Staff:
    """Create a staff account; usernames are unique, passwords at least 8 characters."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters")
    if not username or session.scalar(select(Staff).where(Staff.username == username)):
        raise InvalidInput(f"username {username!r} is empty or taken")
    staff = Staff(username=username, password_hash=generate_password_hash(password), role=role,
                  display_name=display_name or username, offices=offices or [])
    session.add(staff)
    return staff


def set_password(session: Session, username: str, password: str) -> Staff:
    """Replace a staff member's password (at least 8 characters); old API tokens stop working."""
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters")
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise InvalidInput(f"no staff account {username!r}")
    staff.password_hash = generate_password_hash(password)
    return staff


def authenticate(session: Session, username: str, password: str) -> Staff | None:
    """The active staff member with these credentials, or None (same cost either way)."""
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None or not staff.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return staff if check_password_hash(staff.password_hash, password) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="junban-api-token")


def issue_token(staff: Staff) -> str:
    """A signed Bearer token for scripts; it expires after API_TOKEN_MAX_AGE seconds."""
    return _serializer().dumps({"sid": staff.id, "h": staff.password_hash[-12:]})


def staff_from_token(session: Session, token: str) -> Staff | None:
    """The staff member a Bearer token names, if valid, unexpired and the password unchanged."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    staff = session.get(Staff, data.get("sid"))
    if staff is None or not staff.active or staff.password_hash[-12:] != data.get("h"):
        return None
    return staff


def has_role(staff: Staff, role: str) -> bool:
    """Roles are ranked clerk < manager < admin; a higher role may do what a lower one may."""
    return ROLE_RANK.get(staff.role, -1) >= ROLE_RANK[role]


def require_role(staff: Staff, role: str) -> None:
    if not has_role(staff, role):
        raise Forbidden(f"this needs the {role} role")


def api_staff(session: Session, role: str = "clerk") -> Staff:
    """The caller of an API request: a Bearer token, or a logged-in session with CSRF token."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        staff = staff_from_token(session, header[7:].strip())
    elif current_user.is_authenticated:
        from flask_wtf.csrf import ValidationError, validate_csrf

        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise Forbidden("missing or invalid CSRF token") from None
        staff = session.get(Staff, current_user.id)
    else:
        staff = None
    if staff is None:
        raise Unauthorized()
    require_role(staff, role)
    g.staff = staff
    return staff


def staff_page(role: str = "clerk"):
    """Decorator for staff web pages: login required, then the role."""

    def deco(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                from junban.extensions import login_manager

                return login_manager.unauthorized()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return deco
