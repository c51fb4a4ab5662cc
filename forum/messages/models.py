"""Messages to segments of a forum's people, one Delivery row per recipient, opt-outs and reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.extensions import db


class Channel(TitledEnum):
    email = "email"
    sms = "sms"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.email: _l("E-mail"), cls.sms: _l("SMS")}


class MessageKind(TitledEnum):
    #: written by an organiser for a segment
    announcement = "announcement"
    #: the automatic reminder before the forum (one per forum)
    reminder = "reminder"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.announcement: _l("Message"), cls.reminder: _l("Reminder")}


class MessageStatus(TitledEnum):
    draft = "draft"
    sending = "sending"
    sent = "sent"
    failed = "failed"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.draft: _l("Draft"),
            cls.sending: _l("Sending"),
            cls.sent: _l("Sent"),
            cls.failed: _l("Interrupted"),
        }


class DeliveryStatus(TitledEnum):
    #: listed for the message, not handed to the server yet
    pending = "pending"
    #: claimed by a sending job; left so only by a job that stopped mid-way (never sent again)
    sending = "sending"
    sent = "sent"
    #: the server refused the address
    bounced = "bounced"
    failed = "failed"
    #: the SMS gateway's delivery report: on the phone, or given up by the operator
    delivered = "delivered"
    undelivered = "undelivered"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.pending: _l("Waiting"),
            cls.sending: _l("Being sent"),
            cls.sent: _l("Sent"),
            cls.bounced: _l("Refused by the server"),
            cls.failed: _l("Not sent"),
            cls.delivered: _l("Delivered to the phone"),
            cls.undelivered: _l("Not delivered by the operator"),
        }


class Message(db.Model):
    """What an organiser says to a segment of the forum's people, in each language."""

    __tablename__ = "message"
    __table_args__ = (
        #: at most one automatic reminder per forum, so cron running twice sends nothing twice
        sa.Index(
            "uq_message_reminder_forum",
            "forum_id",
            unique=True,
            postgresql_where=sa.text("kind = 'reminder'"),
            sqlite_where=sa.text("kind = 'reminder'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(
        sa.Enum(MessageKind, native_enum=False, length=20), default=MessageKind.announcement
    )
    channel: Mapped[Channel] = mapped_column(sa.Enum(Channel, native_enum=False, length=10), default=Channel.email)
    #: who it goes to, as a stored filter (see services/segments.py): read again at each sending
    segment: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    subject: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: per language, with the placeholders {name}, {forum} and {link}
    body: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: about the person's own registration: reaches those who stopped the other messages too
    is_essential: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MessageStatus] = mapped_column(
        sa.Enum(MessageStatus, native_enum=False, length=12), default=MessageStatus.draft
    )
    #: the Job of the latest sending (its progress bar)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.kind} {self.status}>"

    @property
    def is_draft(self) -> bool:
        return self.status == MessageStatus.draft


class Delivery(db.Model):
    """One recipient of one message on one channel: who got what and when.

    Holds no copy of the message nor of the person beyond the registration id and the address used, so
    a person's data export lists it as it is and an erasure leaves only the address to blank.
    """

    __tablename__ = "message_delivery"
    __table_args__ = (
        #: a message reaches a person once per channel, however often its job is retried
        sa.UniqueConstraint("message_id", "registration_id", "channel"),
        sa.Index("ix_message_delivery_message_status", "message_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(sa.Enum(Channel, native_enum=False, length=10))
    #: the e-mail address (or number) it was sent to
    address: Mapped[str] = mapped_column(sa.String(254))
    status: Mapped[DeliveryStatus] = mapped_column(
        sa.Enum(DeliveryStatus, native_enum=False, length=12), default=DeliveryStatus.pending
    )
    #: the server's answer when it refused or failed (no message text)
    error: Mapped[str | None] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Delivery message={self.message_id} registration={self.registration_id} {self.status}>"


class OptOut(db.Model):
    """A person who stopped the forum's non-essential messages (from the link in each one)."""

    __tablename__ = "message_opt_out"

    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OptOut registration={self.registration_id}>"


class SmsConsent(db.Model):
    """A person who agreed to receive the forum's messages by SMS too, at the mobile number they gave."""

    __tablename__ = "message_sms_consent"

    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SmsConsent registration={self.registration_id}>"


class ReminderSettings(db.Model):
    """The forum's automatic reminder: how many days before, and the practical information it carries."""

    __tablename__ = "reminder_settings"
    __table_args__ = (sa.CheckConstraint("days_before BETWEEN 0 AND 60", name="days_before_in_range"),)

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(default=False)
    days_before: Mapped[int] = mapped_column(default=1)
    #: per language: the venue's access, transport, what to bring...
    practical_info: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ReminderSettings forum={self.forum_id} {self.days_before}d>"


class CertificateLayout(TitledEnum):
    bilingual = "bilingual"
    personal = "personal"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.bilingual: _l("Arabic and French on one page"),
            cls.personal: _l("In the person's language"),
        }


class CertificateSettings(db.Model):
    """How the forum's attendance certificates look: the layout, who signs them and the signature image."""

    __tablename__ = "certificate_settings"

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    layout: Mapped[CertificateLayout] = mapped_column(
        sa.Enum(CertificateLayout, native_enum=False, length=12), default=CertificateLayout.bilingual
    )
    #: per language: the signatory's name and office, e.g. "Le président du comité d'organisation"
    signatory: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: storage key of the signature image (a PNG cleaned like a logo)
    signature_key: Mapped[str | None] = mapped_column(sa.String(200))

    def __repr__(self) -> str:
        return f"<CertificateSettings forum={self.forum_id} {self.layout}>"


class Certificate(db.Model):
    """A person's certificate of attendance: what they attended when it was (re)issued, and its version.

    The QR code carries a code signed with the platform's secret naming (id, version): a reissue after a
    correction of attendance raises the version, so the earlier paper then verifies as replaced.
    """

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    #: {"days": ["2026-02-13", ...], "sessions": [session ids]}: from check-in, at the last issue
    attendance: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: the rendered PDF of this version (made on first download), in storage
    file_key: Mapped[str | None] = mapped_column(sa.String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the version the person was last e-mailed about (0: never)
    mailed_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<Certificate {self.id} registration={self.registration_id} v{self.version}>"


class QuestionKind(TitledEnum):
    rating = "rating"
    single = "single"
    multiple = "multiple"
    text = "text"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.rating: _l("Rating from 1 to 5"),
            cls.single: _l("One choice"),
            cls.multiple: _l("Several choices"),
            cls.text: _l("Free text"),
        }


class Survey(db.Model):
    """The forum's feedback survey, opened to those present once the forum has taken place."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), unique=True)
    #: when answers were opened (None: being prepared)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        order_by="Question.position", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Survey forum={self.forum_id}>"

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class Question(db.Model):
    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(sa.Enum(QuestionKind, native_enum=False, length=10))
    text: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: for one or several choices: [{"ar": ..., "fr": ...}, ...], answered by index
    choices: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    #: a question about one workshop: asked only to those who attended it
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"))

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind}>"


class Response(db.Model):
    """One person's answers to the survey."""

    __tablename__ = "survey_response"
    #: one answer per person, whatever the double clicks and the tabs left open
    __table_args__ = (sa.UniqueConstraint("survey_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Response survey={self.survey_id} registration={self.registration_id}>"


class Answer(db.Model):
    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_from_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int | None]
    #: indexes of the choices picked
    picked: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    text: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<Answer question={self.question_id}>"


class MaterialKind(TitledEnum):
    slides = "slides"
    document = "document"
    photo = "photo"
    #: the workshop's summary, attached by its rapporteur (or an organiser)
    summary = "summary"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.slides: _l("Slides"),
            cls.document: _l("Study or document"),
            cls.photo: _l("Photo"),
            cls.summary: _l("Workshop summary"),
        }


class Material(db.Model):
    """A file attached to a programme session, stored behind forum.storage and served by a checked view."""

    __tablename__ = "material"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MaterialKind] = mapped_column(sa.Enum(MaterialKind, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: the name offered on download (cleaned; the stored file has an unguessable name)
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: found from the content, never from the name the uploader gave
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    #: shown on the public programme once the session is published; otherwise only to those who manage it
    is_public: Mapped[bool] = mapped_column(default=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()
