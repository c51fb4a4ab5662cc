"""Organisations and people across the series: finding them, their history, likely duplicates and
merges (platform admins); the suggestions while typing (the sign-up form); a participant's own history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import jobs
from forum.auth.access import admin_required
from forum.extensions import db, limiter
from forum.forms import ConfirmForm
from forum.registration.access import participant_required
from forum.registration.models import Organisation, Person
from forum.series import bp, services
from forum.series.tasks import FIND_DUPLICATES
from forum.web import run


@bp.route("/series/organisations/")
@admin_required
def organisations():
    query = request.args.get("q", "").strip()
    found = services.search_organisations(query) if query else []
    return render_template("series/organisations.html", query=query, organisations=found)


@bp.route("/series/organisations/<int:organisation_id>")
@admin_required
def organisation(organisation_id: int):
    history = services.organisation_history(db.get_or_404(Organisation, organisation_id))
    merges = services.merges_of(history.organisation)
    return render_template("series/organisation.html", history=history, merges=merges)


@bp.route("/series/people/")
@admin_required
def people():
    email = request.args.get("email", "").strip()
    person = services.find_person(email) if email else None
    if person is not None:
        return redirect(url_for(".person", person_id=person.id))
    return render_template("series/people.html", email=email)


@bp.route("/series/people/<int:person_id>")
@admin_required
def person(person_id: int):
    person = db.get_or_404(Person, person_id)
    return render_template("series/person.html", person=person, visits=services.person_history(person), own=False)


@bp.route("/f/<forum_slug>/me/<access_key>/history")
@participant_required()
def own_history():
    visits = services.own_history(g.registration)
    return render_template("series/person.html", visits=visits, own=True, registration=g.registration)


@bp.route("/series/organisations/duplicates", methods=["GET", "POST"])
@admin_required
def duplicates():
    form = ConfirmForm()
    if form.validate_on_submit():
        run(lambda: jobs.enqueue(FIND_DUPLICATES, user=current_user))
        return redirect(url_for(".duplicates"))
    job = db.session.scalar(sa.select(jobs.Job).where(jobs.Job.kind == FIND_DUPLICATES).order_by(jobs.Job.id.desc()))
    pairs = services.pairs_of(job)
    return render_template("series/duplicates.html", job=job, pairs=pairs, form=form)


@bp.route("/series/organisations/merge", methods=["POST"])
@admin_required
def merge():
    kept = db.get_or_404(Organisation, request.form.get("kept", type=int))
    merged = db.get_or_404(Organisation, request.form.get("merged", type=int))
    if ConfirmForm().validate_on_submit():
        done = run(
            lambda: services.merge(kept, merged, actor=current_user), success=_("The organisations have been merged.")
        )
        if done:
            return redirect(url_for(".organisation", organisation_id=kept.id))
    return redirect(request.referrer or url_for(".duplicates"))


@bp.route("/series/organisations/suggest")
@limiter.limit("120/minute")
def suggest():
    return jsonify(services.suggest(request.args.get("q", "")[:100], request.args.get("region")))
