"""Sign in (with a second factor where set) and out, passwords, sign-ins, language choice."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from forum.auth import bp, services, sessions, two_factor
from forum.auth.forms import (
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    TwoFactorCodeForm,
)
from forum.auth.models import User
from forum.db import utcnow
from forum.errors import ForumError
from forum.extensions import db, limiter
from forum.forms import ConfirmForm
from forum.security import is_safe_next
from forum.web import run


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("events.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password."))
        elif user.totp_enabled_at is not None:
            # the password was right: the second factor next, before any session is opened
            pending = {"user": user.id, "remember": form.remember.data, "next": form.next.data or ""}
            session["two_factor"] = {**pending, "at": utcnow().timestamp()}
            db.session.commit()
            return redirect(url_for("auth.login_code"))
        else:
            return _signed_in(user, form.remember.data, form.next.data)
    return render_template("auth/login.html", form=form)


def _signed_in(user, remember: bool, next_url: str | None):
    """Open the sign-in (its row, the session and, if asked, the remember cookie) and go on."""
    sessions.start_session(user, device=request.user_agent.string)
    login_user(user, remember=remember)
    if user.locale and "locale" not in session:
        session["locale"] = user.locale
    db.session.commit()
    if two_factor.is_required(user):
        flash(_("Your role requires two-factor sign-in: set it up now."), "warning")
        return redirect(url_for("auth.two_factor_setup"))
    return redirect(next_url if is_safe_next(next_url) else url_for("events.my_forums"))


def _pending_two_factor():
    """The user who gave the right password in the last five minutes and owes the second factor."""
    pending = session.get("two_factor") or {}
    if utcnow().timestamp() - pending.get("at", 0) > 300:
        return None, pending
    return db.session.get(User, pending.get("user") or 0), pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    user, pending = _pending_two_factor()
    if user is None or not user.is_enabled:
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data):
            session.pop("two_factor", None)
            return _signed_in(user, pending.get("remember", False), pending.get("next"))
        db.session.commit()
        form.code.errors.append(_("This code is not valid. Check the time on your phone and try again."))
    return render_template("auth/login_code.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LanguageForm()  # any FlaskForm: the CSRF check is what matters here
    if form.validate_on_submit():
        sessions.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("events.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def password_forgot():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        locale = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "ar"
        services.send_password_reset(form.email.data, fallback_locale=locale)
        db.session.commit()
        # Same answer whether or not the account exists.
        flash(_("If an account exists for this e-mail, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/password_forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    try:
        services.user_from_reset_token(token)
    except ForumError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.password_forgot"))
    form = PasswordResetForm()
    if form.validate_on_submit() and run(
        lambda: services.reset_password(token, form.password.data),
        success=_("Your password has been changed. You can sign in now."),
    ):
        return redirect(url_for("auth.login"))
    return render_template("auth/password_reset.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    form = LanguageForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
        refresh()
    target = form.next.data if is_safe_next(form.next.data) else url_for("events.home")
    return redirect(target)


@bp.route("/account/")
@login_required
def account():
    """The account page: the live sign-ins of this account (this one marked), each can be ended."""
    current = sessions.current_session(current_user)
    return render_template(
        "auth/account.html",
        sessions=sessions.live_sessions(current_user),
        current_id=current.id if current else None,
        confirm_form=ConfirmForm(),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    if ConfirmForm().validate_on_submit():
        run(lambda: sessions.end_session(current_user, session_id), success=_("That session has been ended."))
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: sessions.end_sessions(current_user, keep_current=True),
            success=_("Every other session of your account has been ended."),
        )
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    form = PasswordChangeForm()
    if form.validate_on_submit() and run(
        lambda: services.change_password(current_user, form.current.data, form.password.data),
        success=_("Your password has been changed; your other sessions have been ended."),
        field=form.current,
    ):
        return redirect(url_for("auth.account"))
    return render_template("auth/password_change.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Turn two-factor sign-in on: scan the secret, confirm a code, keep the recovery codes shown once."""
    form, codes = TwoFactorCodeForm(), None
    if current_user.totp_enabled_at is None and (request.method == "GET" or not current_user.totp_secret):
        two_factor.start_setup(current_user)
        db.session.commit()
    elif form.validate_on_submit() and (
        done := run(
            lambda: two_factor.enable(current_user, form.code.data),
            success=_("Two-factor sign-in is on."),
            field=form.code,
        )
    ):
        codes, form = done.value, TwoFactorCodeForm(formdata=None)
    return render_template(
        "auth/two_factor.html",
        form=form,
        codes=codes,
        qr=two_factor.qr_svg(current_user) if current_user.totp_enabled_at is None else None,
        remaining=two_factor.remaining_recovery_codes(current_user),
    )


@bp.route("/account/two-factor/off", methods=["POST"])
@login_required
def two_factor_off():
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        run(lambda: two_factor.disable(current_user, form.code.data), success=_("Two-factor sign-in is off."))
    return redirect(url_for("auth.two_factor_setup"))


#: what an account that must set up two-factor sign-in may still open
_BEFORE_TWO_FACTOR = {"auth.two_factor_setup", "auth.logout", "auth.set_language", "static"}


@bp.before_app_request
def require_two_factor():
    """With TWO_FACTOR_REQUIRED, an admin or organiser signed in without it is sent to set it up first."""
    if not current_app.config["TWO_FACTOR_REQUIRED"] or not request.cookies or request.endpoint in _BEFORE_TWO_FACTOR:
        return None
    if current_user.is_authenticated and two_factor.is_required(current_user):
        return redirect(url_for("auth.two_factor_setup"))
    return None
