"""The public sign-up form, the participant's edit form, and the organisers' moderation and settings forms."""

from forum.registration.forms.fields import (
    EnumQuickSelectField,
    MultiCheckboxField,
    OrganisationField,
    QuickSelect,
    QuickSelectField,
)
from forum.registration.forms.organiser import (
    BulkForm,
    OrganiserAddForm,
    OrganiserDetailsForm,
    QueueFilterForm,
    RejectForm,
    settings_form_class,
)
from forum.registration.forms.signup import (
    ParticipantDetailsForm,
    RegistrationForm,
    accessibility_choices,
    blank_registration_fields,
    normalise_phone,
    region_provinces,
)

__all__ = [
    "BulkForm",
    "EnumQuickSelectField",
    "MultiCheckboxField",
    "OrganisationField",
    "OrganiserAddForm",
    "OrganiserDetailsForm",
    "ParticipantDetailsForm",
    "QueueFilterForm",
    "QuickSelect",
    "QuickSelectField",
    "RegistrationForm",
    "RejectForm",
    "accessibility_choices",
    "blank_registration_fields",
    "normalise_phone",
    "region_provinces",
    "settings_form_class",
]
