"""Privacy's rules, one file per concern: consent wordings, a person's export, erasure, retention."""

from forum.privacy.services.consent import CONSENT_LABEL, consent_texts, current_consent_id
from forum.privacy.services.erasure import erase
from forum.privacy.services.export import export_data, export_html, export_json, export_pdf, personal_sections
from forum.privacy.services.retention import PurgePlan, due_on, purge, purge_plan, retention_days

__all__ = [
    "CONSENT_LABEL",
    "PurgePlan",
    "consent_texts",
    "current_consent_id",
    "due_on",
    "erase",
    "export_data",
    "export_html",
    "export_json",
    "export_pdf",
    "personal_sections",
    "purge",
    "purge_plan",
    "retention_days",
]
