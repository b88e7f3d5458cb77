"""Extensions, created unbound; wsgi.create_app binds them (STYLE habit 1)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

from junban.i18n import JunbanBabel

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = JunbanBabel()
limiter = Limiter(key_func=get_remote_address)
