"""Attendance certificates: who gets one, what the PDF says (text in logical order), the QR's signed
verification page, reissue after a correction, the person's download and the organisers' batch."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from forum import storage
from forum.auth.models import Role
from forum.checkin.models import Admission, CheckInList, ListKind
from forum.jobs import Job, JobStatus
from forum.messages import pdf, services
from forum.messages.models import Certificate, CertificateLayout


@pytest.fixture
def attended(population, db):
    """Amina, Fadwa and Hamza came in; Amina also into workshop 2's room."""
    workshop = population.workshops[1]
    workshop.title = {"ar": "التمويل التشاركي", "fr": "Financement participatif"}
    room = CheckInList(
        forum_id=population.forum.id, kind=ListKind.session, day=population.forum.starts_on, session_id=workshop.id
    )
    db.session.add(room)
    db.session.flush()
    db.session.add(Admission(list_id=room.id, registration_id=population.people["amina"].id))
    population.people["amina"].name_ar = "أمينة العمراني"
    population.people["amina"].name_latin = "Amina Amrani"
    db.session.commit()
    return population


def _issue(forum, *, send_mail=False):
    links = services.certificate_links(forum)
    job = services.request_certificates(forum, send_mail=send_mail, links=links, actor=None)
    from forum.extensions import db

    db.session.commit()
    db.session.refresh(job)
    assert job.status == JobStatus.done, job.error
    return job


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (poppler-utils) is needed: scripts/system-deps.sh installs it"
    return path


def _text(pdf: bytes) -> str:
    """The PDF's text as poppler extracts it, without the embedding marks it puts around right-to-left runs."""
    text = subprocess.run([_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub("[\u202a-\u202e]", "", text)


def _qr(pdf: bytes, folder) -> str:
    """The text of the QR code on the PDF's first page (drawn by poppler, read by zxing-cpp)."""
    (folder / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        [_tool("pdftoppm"), "-r", "120", "-png", "-singlefile", "certificate.pdf", "page"], cwd=folder, check=True
    )
    (barcode,) = zxingcpp.read_barcodes(Image.open(folder / "page.png"))
    return barcode.text


def test_each_person_present_gets_a_certificate_in_arabic_and_french(attended, db):
    job = _issue(attended.forum)
    assert job.result["count"] == 3 and job.result["issued"] == 3
    holders = set(db.session.scalars(sa.select(Certificate.registration_id)))
    assert holders == {attended.people[n].id for n in ("amina", "fadwa", "hamza")}

    amina = attended.people["amina"]
    pdf = services.certificate_pdf(
        services.certificate_of(amina), amina, attended.forum, services.certificate_links(attended.forum)
    )
    assert pdf.startswith(b"%PDF") and len(pdf) < 60_000
    text = _text(pdf)
    assert "شهادة حضور" in text and amina.name_ar in text  # Arabic in logical order, shaped glyphs mapped back
    assert "التمويل التشاركي" in text and "Financement participatif" in text  # the workshop whose room let her in
    assert "Attestation de présence" in text and amina.name_latin in text
    assert "Atelier 1" not in text
    batch = _text(storage.read(job.result["key"]))
    assert batch.count("Attestation de présence") == 3


def test_the_qr_opens_the_verification_page_and_an_altered_code_is_invalid(attended, client, tmp_path):
    _issue(attended.forum)
    amina = attended.people["amina"]
    pdf = services.certificate_pdf(
        services.certificate_of(amina), amina, attended.forum, services.certificate_links(attended.forum)
    )
    url = _qr(pdf, tmp_path).replace("http://localhost", "")
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Valid certificate." in html and "Amina Amrani" in html
    altered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    answer = client.get(altered)
    assert answer.status_code == 404 and "Invalid certificate" in answer.get_data(as_text=True)


def test_a_corrected_attendance_reissues_the_certificate_and_the_old_one_shows_replaced(attended, db, client):
    _issue(attended.forum)
    amina = attended.people["amina"]
    links = services.certificate_links(attended.forum)
    old_url = services.verify_url(links, services.certificate_of(amina)).replace("http://localhost", "")
    admission = db.session.scalar(
        sa.select(Admission)
        .join(CheckInList)
        .where(CheckInList.kind == ListKind.session, Admission.registration_id == amina.id)
    )
    admission.undone_at = datetime.now(UTC)  # the desk undid her workshop scan
    db.session.commit()

    job = _issue(attended.forum)
    assert (job.result["reissued"], job.result["issued"]) == (1, 0)
    certificate = services.certificate_of(amina)
    assert certificate.version == 2 and certificate.attendance["sessions"] == []
    assert "replaced by a corrected one" in client.get(old_url).get_data(as_text=True)
    new_url = services.verify_url(links, certificate).replace("http://localhost", "")
    assert "Valid certificate." in client.get(new_url).get_data(as_text=True)
    assert "Financement participatif" not in _text(services.certificate_pdf(certificate, amina, attended.forum, links))


def test_a_person_downloads_their_own_certificate_only(attended, client):
    _issue(attended.forum)
    amina, chama = attended.people["amina"], attended.people["chama"]
    own = client.get(f"/f/{attended.forum.slug}/me/{amina.access_key}/certificate.pdf")
    assert own.status_code == 200 and own.mimetype == "application/pdf"
    assert "My certificate of attendance" in client.get(f"/f/{attended.forum.slug}/me/{amina.access_key}/").get_data(
        as_text=True
    )
    assert client.get(f"/f/{attended.forum.slug}/me/{chama.access_key}/certificate.pdf").status_code == 404
    assert client.get(f"/f/{attended.other.slug}/me/{amina.access_key}/certificate.pdf").status_code == 404


def test_organisers_issue_the_batch_and_each_person_is_mailed_once(attended, as_role, mailbox, db):
    client, forum, _user = as_role(Role.organiser, attended.forum)
    assert "3 people have been welcomed at the entrance." in client.get(
        f"/f/{forum.slug}/manage/messages/certificates"
    ).get_data(as_text=True)
    client.post(f"/f/{forum.slug}/manage/messages/certificates/issue", data={"send_mail": "y"})
    mails = mailbox.wait_for(3)
    assert {m["To"] for m in mails} == {"amina@example.ma", "fadwa@example.ma", "hamza@example.ma"}
    job = db.session.scalar(sa.select(Job).where(Job.kind == "messages.certificates"))
    progress = client.get(f"/f/{forum.slug}/manage/messages/certificates/progress").get_data(as_text=True)
    assert "3 certificates" in progress and "3 e-mailed" in progress
    download = client.get(f"/f/{forum.slug}/manage/messages/certificates/{job.id}/certificates.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    client.post(f"/f/{forum.slug}/manage/messages/certificates/issue", data={"send_mail": "y"})
    assert len(mailbox.messages) == 3  # nothing changed: nobody is mailed again
    other, _forum, _user = as_role(Role.checkin_agent, forum)
    assert other.post(f"/f/{forum.slug}/manage/messages/certificates/issue", data={"send_mail": "y"}).status_code == 403


def test_certificates_in_the_persons_language(attended, db):
    services.save_certificate_settings(
        attended.forum,
        layout=CertificateLayout.personal,
        signatory={"fr": "Le président"},
        signature_png=None,
        remove_signature=False,
        actor=None,
    )
    db.session.commit()
    _issue(attended.forum)
    fadwa = attended.people["fadwa"]  # reads Arabic
    text = _text(
        services.certificate_pdf(
            services.certificate_of(fadwa), fadwa, attended.forum, services.certificate_links(attended.forum)
        )
    )
    assert "شهادة حضور" in text and "Attestation" not in text


def test_a_large_batch_is_laid_out_in_chunks_by_worker_processes_and_joined_in_order(attended):
    _issue(attended.forum)
    people = [attended.people[n] for n in ("amina", "fadwa", "hamza")]
    batch = pdf.batch_of(attended.forum, services.certificate_settings(attended.forum))
    links = services.certificate_links(attended.forum)
    pages = [
        pdf.page_html(batch, services.certificate_of(p), p, services.verify_url(links, services.certificate_of(p)))
        for p in people
    ]
    joined = pdf.write_pdf(pages, per_process=1)  # one page per document: two worker processes, then joined
    texts = _text(joined).rstrip("\f").split("\f")
    assert len(texts) == 3
    for text, person in zip(texts, people, strict=True):
        assert f"{services.certificate_of(person).id}-1" in text and "شهادة حضور" in text
