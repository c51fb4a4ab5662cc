"""A failed sign-up marks every invalid control for screen readers and sums the errors up, with links, at the top."""

from __future__ import annotations

import re


def form_data(**overrides):
    data = {
        "name_ar": "خديجة أوحمان",
        "name_latin": "Khadija Ouahmane",
        "email": "khadija@example.ma",
        "phone": "0612345678",
        "organisation_name": "جمعية واحة زيز",
        "organisation_kind": "association",
        "organisation_province": "errachidia",
        "organisation_area": "rural",
        "category": "association",
        "gender": "female",
        "province": "errachidia",
        "area": "rural",
        "locale": "ar",
        "consent": "y",
    }
    return data | overrides


def _tag(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, pattern
    return match.group(0)


def test_every_invalid_control_is_marked_and_linked_from_the_summary(client, make_forum):
    forum = make_forum()
    data = form_data(email="not-an-address")
    for name in ("gender", "area", "consent"):
        data.pop(name)
    page = client.post(f"/f/{forum.slug}/register", data=data, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    summary = _tag(page, r'(?s)<div class="error-summary".*?</div>')
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary and "Certaines réponses" in summary
    assert sorted(re.findall(r'href="#([\w-]+)"', summary)) == ["area-0", "consent", "email", "gender-0"]
    consent = _tag(page, r'<input[^>]*id="consent"[^>]*>')
    assert 'aria-invalid="true"' in consent and 'aria-describedby="consent-error"' in consent
    assert 'id="consent-error"' in page
    for group in ("gender", "area"):
        fieldset = _tag(page, rf'<fieldset[^>]*id="{group}"[^>]*>')
        assert f"{group}-error" in fieldset
        assert all('aria-invalid="true"' in radio for radio in re.findall(rf'<input[^>]*name="{group}"[^>]*>', page))
    email = _tag(page, r'<input[^>]*id="email"[^>]*>')
    assert 'aria-invalid="true"' in email and "email-error" in email
    name = _tag(page, r'<input[^>]*id="name_ar"[^>]*>')
    assert "aria-invalid" not in name


def test_the_first_visit_has_no_summary_and_the_forms_of_the_shared_macro_get_one(client, make_forum):
    forum = make_forum()
    assert "error-summary" not in client.get(f"/f/{forum.slug}/register").get_data(as_text=True)
    page = client.post("/password/forgot", data={"email": ""}).get_data(as_text=True)
    summary = _tag(page, r'(?s)<div class="error-summary".*?</div>')
    assert re.findall(r'href="#([\w-]+)"', summary) == ["email"]
