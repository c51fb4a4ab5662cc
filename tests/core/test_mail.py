"""Mail goes out through a real SMTP server, in the recipient's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from helpers import body_of, free_port

from forum import mail, mail_relay
from forum.auth.models import Role


def test_mail_is_delivered_in_the_recipients_language(app, db, mailbox, make_user, make_forum):
    user, forum = make_user(name="Fatima"), make_forum()
    with app.test_request_context():
        mail.send(
            "fatima@example.ma",
            "ignored",
            "invitation",
            locale="ar",
            user=user,
            forum=forum,
            role=Role.rapporteur,
            link="https://multaqa.example/x",
        )
        db.session.commit()
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "fatima@example.ma"
    assert message["Content-Language"] == "ar"
    html = body_of(message, "html")
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert forum.title["ar"] in body_of(message)
    assert "https://multaqa.example/x" in body_of(message)


def test_nothing_is_sent_when_the_transaction_is_rolled_back(app, db, mailbox, make_user, make_forum):
    user, forum = make_user(), make_forum()
    with app.test_request_context():
        mail.send("x@example.ma", "s", "invitation", locale="fr", user=user, forum=forum, role=Role.organiser, link="l")
        db.session.rollback()
        db.session.commit()
    assert mailbox.messages == []


def test_development_outbox_keeps_messages_as_files(app, db, make_user, make_forum, tmp_path):
    user, forum = make_user(), make_forum()
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX=str(tmp_path / "outbox"))
    try:
        with app.test_request_context():
            mail.send(
                "x@example.ma",
                "s",
                "invitation",
                locale="fr",
                user=user,
                forum=forum,
                role=Role.organiser,
                link="https://l",
            )
            db.session.commit()
    finally:
        app.config["MAIL_BACKEND"] = "smtp"
    files = list(Path(tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and b"x@example.ma" in files[0].read_bytes()


def test_headers_are_encoded_and_cannot_be_injected(app, db, mailbox, make_user, make_forum):
    user, forum = make_user(name="Fatima"), make_forum()
    app.config["MAIL_DEFAULT_SENDER"] = "ملتقى <no-reply@multaqa.local>"
    try:
        with app.test_request_context():
            mail.send(
                "fatima@example.ma",
                "تأكيد التسجيل في %(name)s",
                "invitation",
                locale="ar",
                name="منتدى درعة\nBcc: intruder@example.com",
                user=user,
                forum=forum,
                role=Role.rapporteur,
                link="https://multaqa.example/x",
            )
            db.session.commit()
    finally:
        app.config["MAIL_DEFAULT_SENDER"] = "Multaqa <no-reply@multaqa.local>"
    message = mailbox.wait_for(1)[0]
    assert message["Subject"] == "تأكيد التسجيل في منتدى درعة Bcc: intruder@example.com"
    assert message["Bcc"] is None
    sender = message["From"].addresses[0]
    assert sender.display_name == "ملتقى" and sender.addr_spec == "no-reply@multaqa.local"
    assert forum.title["ar"] in body_of(message) and forum.title["ar"] in body_of(message, "html")


def test_a_message_with_attachments_has_the_headers_and_bodies_of_the_others(app, db, mailbox, make_user, make_forum):
    user, forum = make_user(name="Fatima"), make_forum()
    app.config["MAIL_DEFAULT_SENDER"] = "ملتقى <no-reply@multaqa.local>"
    context = dict(user=user, forum=forum, role=Role.rapporteur, link="https://multaqa.example/x")
    try:
        with app.test_request_context():
            mail.send(
                "fatima@example.ma", "تأكيد %(name)s", "invitation", locale="ar", name="منتدى\nBcc: x@y.z", **context
            )
            db.session.commit()
            mail.send_from_job(
                "fatima@example.ma",
                "تأكيد %(name)s",
                "invitation",
                locale="ar",
                attachments=[mail.Attachment("programme.pdf", "application/pdf", b"%PDF-1.4\n")],
                name="منتدى\nBcc: x@y.z",
                **context,
            )
    finally:
        app.config["MAIL_DEFAULT_SENDER"] = "Multaqa <no-reply@multaqa.local>"
    plain, attached = mailbox.wait_for(2)
    assert set(plain.keys()) == set(attached.keys())
    for name in ("Subject", "From", "To", "Content-Language", "MIME-Version"):
        assert attached[name] == plain[name], name
    assert attached["Subject"] == "تأكيد منتدى Bcc: x@y.z" and attached["Bcc"] is None
    assert attached["From"].addresses[0].display_name == "ملتقى"
    for subtype in ("plain", "html"):  # the same text (the stdlib ends its lines in CRLF, as MIME wants)
        assert body_of(attached, subtype).splitlines() == body_of(plain, subtype).splitlines()
    assert 'dir="rtl"' in body_of(attached, "html")
    [programme] = attached.iter_attachments()
    assert programme.get_content_type() == "application/pdf" and programme.get_filename() == "programme.pdf"
    assert programme.get_content() == b"%PDF-1.4\n"


class _Peers:
    """An SMTP server's handler that notes the client's address and port of each message."""

    def __init__(self) -> None:
        self.peers: list[tuple[str, int]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.peers.append(session.peer)
        return "250 OK"


@pytest.fixture
def own_smtp_server(app):
    """A second real SMTP server that the app sends to during the test; `down()` stops it, `up()`
    serves the same port again (a new server: the connections to the old one are gone)."""
    handler, port = _Peers(), free_port()
    running: list[Controller] = []

    def up() -> None:
        running.append(Controller(handler, hostname="127.0.0.1", port=port))
        running[-1].start()

    def down() -> None:
        running.pop().stop()

    up()
    kept = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    yield handler, up, down
    app.config["MAIL_PORT"] = kept
    mail_relay.close()
    while running:
        down()


def _deliver(n: int) -> None:
    mail.deliver(None, f"p{n}@example.ma", "Confirmez", "Bonjour", "<p>Bonjour</p>", "fr")


def test_the_emails_of_a_worker_go_out_on_one_connection(db, own_smtp_server):
    handler, _up, _down = own_smtp_server
    for n in range(3):
        _deliver(n)  # as the worker runs its jobs: one after another, in one thread
    assert len(handler.peers) == 3 and len(set(handler.peers)) == 1


def test_a_connection_left_idle_is_not_used_again(db, own_smtp_server, monkeypatch):
    handler, _up, _down = own_smtp_server
    _deliver(1)
    monkeypatch.setattr(mail_relay, "KEEP_SECONDS", 0.0)  # every gap is longer than that
    _deliver(2)
    assert len(handler.peers) == 2 and handler.peers[0] != handler.peers[1]


def test_a_connection_the_server_has_closed_is_opened_again_and_the_email_still_goes(db, own_smtp_server):
    handler, up, down = own_smtp_server
    _deliver(1)
    down()
    up()  # the server went away and came back: the kept connection is dead
    _deliver(2)
    assert len(handler.peers) == 2 and handler.peers[0] != handler.peers[1]
    down()
    with pytest.raises(OSError):  # no server at all: the job fails, as it must, to be seen and retried
        _deliver(3)
    up()
    _deliver(4)
    assert len(handler.peers) == 3
