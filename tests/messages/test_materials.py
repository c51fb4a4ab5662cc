"""Materials: files attached to sessions, checked from their content, shown and served only where allowed."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from helpers import local
from PIL import Image

from forum import storage
from forum.auth.models import Role
from forum.messages.models import Material
from forum.programme.models import Session, SessionKind, Speaker

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pptx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p:presentation/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 7, 9, 0, 0)), text)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def workshop(db, make_forum):
    forum = make_forum()
    day = forum.starts_on
    session = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"ar": "ورشة التمويل", "fr": "Atelier financement", "en": "Financing workshop"},
        starts_at=local(forum, day, 10),
        ends_at=local(forum, day, 12),
        published_at=forum.created_at,
    )
    db.session.add(session)
    db.session.commit()
    return session


def upload(client, session, data: bytes, filename: str, **fields):
    form = {"kind": "slides", "title": "Étude régionale", "is_public": "y", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return client.post(
        f"/f/{session_forum(session).slug}/programme/sessions/{session.id}/materials",
        data=form,
        content_type="multipart/form-data",
    )


def session_forum(session):
    from forum.events.models import Forum
    from forum.extensions import db

    return db.session.get(Forum, session.forum_id)


def materials(db):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Material).order_by(Material.id)))


def test_organiser_attaches_slides_shown_on_programme_session_page_and_report(db, as_role, client, workshop):
    forum = session_forum(workshop)
    as_role(Role.organiser, forum)
    response = upload(client, workshop, pptx(), "../../présentation.pptx")
    assert response.status_code == 302
    (material,) = materials(db)
    assert material.content_type.endswith("presentationml.presentation")
    assert material.filename == "présentation.pptx"
    assert material.storage_key.startswith(f"materials/{forum.id}/") and "présentation" not in material.storage_key
    assert storage.read(material.storage_key) == pptx()

    client.post("/logout")
    assert "Étude régionale" in client.get(f"/f/{forum.slug}/programme/").get_data(as_text=True)
    page = client.get(f"/f/{forum.slug}/programme/sessions/{workshop.id}").get_data(as_text=True)
    assert "Étude régionale" in page and "Add or remove files" not in page
    download = client.get(f"/f/{forum.slug}/materials/{material.id}/download")
    assert download.status_code == 200 and download.data == pptx()
    assert "attachment" in download.headers["Content-Disposition"]

    as_role(Role.organiser, forum)
    report = client.get(f"/f/{forum.slug}/manage/recommendations/report").get_data(as_text=True)
    assert "Materials of the sessions" in report and "Étude régionale" in report


def test_renamed_executable_and_oversize_file_are_refused_with_the_form_kept(db, as_role, client, workshop):
    as_role(Role.organiser, session_forum(workshop))
    for data, name, message in [
        (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "slides.pdf", "PDF, slides (PPTX or ODP) and images"),
        (b"PK\x03\x04" + b"\0" * 100, "slides.pptx", "PDF, slides (PPTX or ODP) and images"),
        (PDF[:-6] + b"\0" * (7 * 1024 * 1024) + b"%%EOF\n", "big.pdf", "too large (7 MB at most)"),
    ]:
        response = upload(client, workshop, data, name, title="Mon étude gardée")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in page.replace("&#39;", "'")
        assert 'value="Mon étude gardée"' in page
    assert materials(db) == []


def test_another_forums_organiser_can_neither_upload_nor_download_a_draft_file(
    db, as_role, client, make_forum, workshop
):
    forum = session_forum(workshop)
    as_role(Role.organiser, forum)
    upload(client, workshop, PDF, "notes.pdf", kind="document", title="Notes internes", is_public="")
    (material,) = materials(db)
    assert client.get(f"/f/{forum.slug}/materials/{material.id}/download").data == PDF

    other = make_forum()
    as_role(Role.organiser, other)
    assert client.get(f"/f/{forum.slug}/materials/{material.id}/download").status_code == 404
    assert client.get(f"/f/{other.slug}/materials/{material.id}/download").status_code == 404
    assert upload(client, workshop, PDF, "x.pdf").status_code in (403, 404)
    assert client.post(f"/f/{forum.slug}/materials/{material.id}/remove").status_code in (403, 404)
    client.post("/logout")
    assert client.get(f"/f/{forum.slug}/materials/{material.id}/download").status_code == 404
    page = client.get(f"/f/{forum.slug}/programme/sessions/{workshop.id}").get_data(as_text=True)
    assert "Notes internes" not in page
    assert len(materials(db)) == 1


def test_unpublished_session_files_stay_private(db, as_role, client, workshop):
    forum = session_forum(workshop)
    workshop.published_at = None
    db.session.commit()
    as_role(Role.organiser, forum)
    upload(client, workshop, png(), "photo.png", kind="photo", title="Photo de groupe")
    (material,) = materials(db)
    assert material.content_type == "image/png"
    client.post("/logout")
    assert client.get(f"/f/{forum.slug}/materials/{material.id}/download").status_code == 404


def test_speaker_with_an_account_and_rapporteur_attach_others_cannot(
    db, as_role, client, make_user, make_registration, login, workshop
):
    forum = session_forum(workshop)
    speaker_user = make_user()
    speaker = Speaker(
        forum_id=forum.id,
        name_latin="Youssef Amrani",
        registration_id=make_registration(forum, user_id=speaker_user.id).id,
    )
    db.session.add(speaker)
    workshop.speakers.append(speaker)
    rapporteur = make_user(forum=forum, roles=(Role.rapporteur,))
    workshop.rapporteur_id = rapporteur.id
    db.session.commit()

    login(speaker_user)
    assert upload(client, workshop, PDF, "etude.pdf", title="Étude du conférencier").status_code == 302
    login(rapporteur)
    assert upload(client, workshop, PDF, "synthese.pdf", kind="summary", title="Synthèse").status_code == 302
    page = client.get(f"/f/{forum.slug}/programme/sessions/{workshop.id}").get_data(as_text=True)
    assert "Synthèse" in page and "Add or remove files" in page

    as_role(Role.checkin_agent, forum)
    assert upload(client, workshop, PDF, "x.pdf").status_code == 403
    (first, summary) = materials(db)
    assert client.post(f"/f/{forum.slug}/materials/{first.id}/remove").status_code in (400, 403)

    login(rapporteur)
    client.post(f"/f/{forum.slug}/materials/{first.id}/remove")
    assert len(materials(db)) == 2, "the rapporteur may not remove the speaker's file"
    client.post(f"/f/{forum.slug}/materials/{summary.id}/remove")
    assert [m.title for m in materials(db)] == ["Étude du conférencier"]
    with pytest.raises(FileNotFoundError):
        storage.read(summary.storage_key)


def test_organisers_list_counts_each_sessions_files(db, as_role, client, workshop):
    forum = session_forum(workshop)
    as_role(Role.organiser, forum)
    upload(client, workshop, png(), "photo.png", kind="photo", title="Photo")
    page = client.get(f"/f/{forum.slug}/manage/materials").get_data(as_text=True)
    assert "Atelier financement" in page or "Financing workshop" in page or "ورشة التمويل" in page
    assert "1 file" in page or "ملف" in page or "1 fichier" in page
