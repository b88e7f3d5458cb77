"""Extensions, created unbound; wsgi.create_app binds them (STYLE habit 1)."""

from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

from junban.i18n import JunbanBabel

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = JunbanBabel()
