"""The sign-up form's own fields: selects drawn in one pass, the list of the region's organisations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, html_params

from forum.extensions import db
from forum.forms import EnumSelectField
from forum.registration.models import Organisation
from forum.registration.organisation_list_model import ROW_ID, OrganisationListVersion


class QuickSelect:
    """A <select> built in one pass: the sign-up form lists every province twice, and WTForms'
    per-option rendering made it the costliest part of the page."""

    def __call__(self, field: SelectField, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        chosen = "" if field.data is None else str(field.data)
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
            for value, label in field.choices
        )
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704  (escaped above)


class QuickSelectField(SelectField):
    """A SelectField drawn by QuickSelect whose answer is checked against the set of its values,
    instead of WTForms' walk that builds an object per option (76 of them for a province)."""

    widget = QuickSelect()

    def pre_validate(self, form: Form) -> None:
        if self.validate_choice and self.data not in {self.coerce(value) for value, _label in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


class EnumQuickSelectField(EnumSelectField, QuickSelectField):
    """A QuickSelectField over a TitledEnum: filled from a member, its data a member."""


class OrganisationField(QuickSelectField):
    """The organisation picked from the region's list. The list is read only when the field is shown:
    a submitted choice is checked on its own (ParticipantDetailsForm.validate_organisation_id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, validate_choice=False, **kwargs)
        self.region: list[str] = []
        #: the registration's own organisation, kept selectable even when it is not in the list
        self.kept: Organisation | None = None
        self._choices: list[tuple[str, Any]] | None = None

    @property
    def choices(self) -> list[tuple[str, Any]]:
        if self._choices is None:
            listed = organisations(self.region)
            if self.kept is not None and all(org_id != self.kept.id for org_id, _name in listed):
                listed.append((self.kept.id, self.kept.name))
            self._choices = [("", _l("None, or not in the list"))] + [(str(org_id), name) for org_id, name in listed]
        return self._choices

    @choices.setter
    def choices(self, value: list[tuple[str, Any]] | None) -> None:
        self._choices = value or None


class MultiCheckboxField(SelectMultipleField):
    """Several boxes to tick (rendered as a fieldset by the forms macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: an organisation merged into another is no longer offered (the one it was merged into is)
_CURRENT = Organisation.merged_into_id.is_(None)


def _in_region(query: sa.Select) -> sa.Select:
    provinces = sa.bindparam("provinces", expanding=True)
    return query.where(sa.or_(Organisation.province.in_(provinces), Organisation.province.is_(None)))


def organisations(region_provinces: list[str]) -> list[tuple[int, str]]:
    """(id, name) of the organisations of the forum's region (and of those without a province)."""
    query = sa.select(Organisation.id, Organisation.name).where(_CURRENT).order_by(Organisation.name)
    if region_provinces:
        query = _in_region(query)
    return [tuple(row) for row in db.session.execute(query.limit(2000), {"provinces": region_provinces})]


# Built once, with bound parameters (each GET and each POST that picks an organisation runs one).
_LISTED = sa.select(Organisation.id).where(Organisation.id == sa.bindparam("organisation_id"), _CURRENT)


_LISTED_IN_REGION = _in_region(_LISTED)


_VERSION = sa.select(OrganisationListVersion.version).where(OrganisationListVersion.id == ROW_ID)


def is_listed(organisation_id: int, region_provinces: list[str]) -> bool:
    """Whether the form's list of organisations holds this one."""
    query = _LISTED_IN_REGION if region_provinces else _LISTED
    params = {"organisation_id": organisation_id, "provinces": region_provinces}
    return db.session.scalar(query, params) is not None


def organisations_stamp() -> int:
    """The version of the list of organisations: it moves with every change to them, in the transaction
    that makes it (organisation_list_model); one row read, however many organisations there are."""
    return db.session.scalar(_VERSION) or 0
