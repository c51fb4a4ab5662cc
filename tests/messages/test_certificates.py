"""Attendance certificates: who gets one, what the PDF says (text in logical order), the QR's signed
verification page, reissue after a correction, the person's download and the organisers' batch."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
import sqlalchemy as sa
import uharfbuzz
import zxingcpp
from PIL import Image

from forum import storage
from forum.auth.models import Role
from forum.checkin.models import Admission, CheckInList, ListKind
from forum.jobs import Job, JobStatus
from forum.messages import services
from forum.messages.models import Certificate, CertificateLayout
from forum.registration.models import Registration


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


def _page_image(pdf: bytes, folder, page: int) -> bytes:
    """One page of the PDF as poppler draws it (grey levels at 50 dpi)."""
    (folder / "page.pdf").write_bytes(pdf)
    subprocess.run(
        [_tool("pdftoppm"), "-r", "50", "-gray", "-f", str(page), "-l", str(page), "-singlefile", "page.pdf", "page"],
        cwd=folder,
        check=True,
    )
    return (folder / "page.pgm").read_bytes()


def test_the_batch_draws_each_shared_page_once_and_each_persons_page_as_their_own_download(attended, db, tmp_path):
    job = _issue(attended.forum)
    batch = storage.read(job.result["key"])
    texts = _text(batch).rstrip("\f").split("\f")
    rows = db.session.execute(
        sa.select(Certificate, Registration)
        .join(Registration, Registration.id == Certificate.registration_id)
        .order_by(Registration.name_latin, Registration.name_ar, Registration.id)
    ).all()
    assert len(texts) == len(rows) == 3
    for text, (certificate, person) in zip(texts, rows, strict=True):
        assert f"{certificate.id}-1" in text and person.name_latin in text  # each person's page, in order
    # Amina's workshop gives her page a shared page of its own; Fadwa's and Hamza's share one, held once
    document = pikepdf.open(io.BytesIO(batch))
    forms = {
        xobject.objgen
        for page in document.pages
        for xobject in page.obj.Resources.XObject.values()
        if xobject.Subtype == "/Form"
    }
    assert len(forms) == 2
    links = services.certificate_links(attended.forum)
    for number, (certificate, person) in enumerate(rows, start=1):
        own = services.certificate_pdf(certificate, person, attended.forum, links)
        assert _page_image(own, tmp_path, 1) == _page_image(batch, tmp_path, number)  # the download is the same


def _advance(face, text: str) -> float:
    """The width HarfBuzz gives the text in the font, in font units."""
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(face, buffer)
    return sum(position.x_advance for position in buffer.glyph_positions)


def test_the_arabic_name_is_shaped_by_harfbuzz_and_written_right_to_left(attended, app):
    _issue(attended.forum)
    amina = attended.people["amina"]
    own = services.certificate_pdf(
        services.certificate_of(amina), amina, attended.forum, services.certificate_links(attended.forum)
    )
    html = subprocess.run([_tool("pdftotext"), "-bbox", "-", "-"], input=own, capture_output=True, check=True)
    words = {  # poppler gives each word's glyphs in the order they stand, from the left
        word[::-1]: (float(x1), float(x2))
        for x1, x2, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)</word>', html.stdout.decode()
        )
    }
    assert words["أمينة"][0] > words["العمراني"][1]  # the first name stands on the right
    face = uharfbuzz.Font(uharfbuzz.Face(Path(app.static_folder, "fonts", "NotoSansArabic-Bold.ttf").read_bytes()))
    points = 15 / face.face.upem  # the name is set in 15 pt
    for word in ("أمينة", "العمراني"):
        width = words[word][1] - words[word][0]
        shaped, isolated = _advance(face, word) * points, sum(_advance(face, letter) for letter in word) * points
        assert abs(width - shaped) < 0.02 * shaped  # its letters joined as HarfBuzz joins them
        assert abs(width - isolated) > 0.05 * isolated  # not set one by one in their isolated forms


def test_a_very_long_name_is_set_smaller_to_stay_within_the_page(attended, db):
    hamza = attended.people["hamza"]
    hamza.name_latin = "Hamza Ben Abdelkader Ould Sidi Mohamed El Idrissi Al Alaoui Ait Benhaddou Ouarzazate Tinghir"
    db.session.commit()
    _issue(attended.forum)
    own = services.certificate_pdf(
        services.certificate_of(hamza), hamza, attended.forum, services.certificate_links(attended.forum)
    )
    html = subprocess.run([_tool("pdftotext"), "-bbox", "-", "-"], input=own, capture_output=True, check=True)
    edges = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(Hamza|Tinghir)</word>', html.stdout.decode()
    )
    (left, _, _), (_, right, _) = edges
    margin = 18 / 25.4 * 72 - 1  # 18 mm, in points, give or take one
    assert margin <= float(left) and float(right) <= 595 - margin  # within the margins, not cut at the edges
    assert hamza.name_latin in _text(own)


def test_a_certificate_whose_workshops_run_over_a_page_keeps_the_name_first_and_the_qr_last(
    attended, db, client, tmp_path
):
    workshop = attended.workshops[1]
    workshop.title = {"ar": "ورشة " * 700, "fr": "Atelier de travail " * 300}  # the list runs over the page
    db.session.commit()
    _issue(attended.forum)
    amina = attended.people["amina"]
    own = services.certificate_pdf(
        services.certificate_of(amina), amina, attended.forum, services.certificate_links(attended.forum)
    )
    pages = _text(own).rstrip("\f").split("\f")
    assert len(pages) > 1 and amina.name_ar in pages[0] and amina.name_ar not in pages[-1]
    (tmp_path / "certificate.pdf").write_bytes(own)
    subprocess.run(
        [_tool("pdftoppm"), "-r", "120", "-png", "-f", str(len(pages)), "-singlefile", "certificate.pdf", "last"],
        cwd=tmp_path,
        check=True,
    )
    (barcode,) = zxingcpp.read_barcodes(Image.open(tmp_path / "last.png"))
    assert "Valid certificate." in client.get(barcode.text.replace("http://localhost", "")).get_data(as_text=True)
