"""The messages' rules, one file per concern, re-exported here."""

from forum.messages.services.agenda import AgendaLine, agenda_lines, reminder_extra
from forum.messages.services.compose import (
    PLACEHOLDERS,
    MessageError,
    Personalised,
    fill,
    language_for,
    personalise,
    save_message,
    unknown_placeholders,
)
from forum.messages.services.records import (
    DeliveryLine,
    deliveries_of,
    is_opted_out,
    messages_of,
    preview,
    sample_recipients,
    set_opted_out,
)
from forum.messages.services.reminders import (
    reminder_day,
    reminder_of,
    reminder_settings,
    run_due_reminders,
    save_reminder_settings,
    send_due_reminders,
)
from forum.messages.services.segments import GROUPS, Segment, count_recipients, recipients_query, workshop_choices
from forum.messages.services.sending import deliver, delivery_counts, list_recipients, mark_failed, send_message

__all__ = [
    "AgendaLine",
    "agenda_lines",
    "reminder_extra",
    "reminder_day",
    "reminder_of",
    "reminder_settings",
    "run_due_reminders",
    "save_reminder_settings",
    "send_due_reminders",
    "GROUPS",
    "PLACEHOLDERS",
    "DeliveryLine",
    "MessageError",
    "Personalised",
    "Segment",
    "count_recipients",
    "deliver",
    "deliveries_of",
    "delivery_counts",
    "fill",
    "is_opted_out",
    "language_for",
    "list_recipients",
    "mark_failed",
    "messages_of",
    "personalise",
    "preview",
    "recipients_query",
    "sample_recipients",
    "save_message",
    "send_message",
    "set_opted_out",
    "unknown_placeholders",
    "workshop_choices",
]
