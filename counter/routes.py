"""Counter console pages: login, choose a counter, the console (actions go through the API)."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from counter import bp
from junban.auth import authenticate, staff_page
from junban.db import get_session
from junban.offices import get_counter, list_offices


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("counter.choose")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        staff = authenticate(get_session(), form.username.data, form.password.data)
        if staff is not None:
            login_user(staff)
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong username or password.")
    elif request.method == "POST":
        error = _("Enter your username and password.")
    return render_template("counter/login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("counter.login"))


@bp.get("/")
@staff_page("clerk")
def choose():
    offices = [o for o in list_offices(get_session())
               if current_user.role == "admin" or o in current_user.offices]
    return render_template("counter/choose.html", offices=offices)


@bp.get("/<int:counter_id>")
@staff_page("clerk")
def console(counter_id: int):
    counter = get_counter(get_session(), counter_id)
    return render_template("counter/console.html", counter=counter, office=counter.office)
