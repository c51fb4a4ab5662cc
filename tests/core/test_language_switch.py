"""The language switcher is a labelled navigation landmark; each choice is spoken in its own language."""

from __future__ import annotations

import re


def test_the_language_switcher_is_a_labelled_nav_and_each_choice_has_its_lang(client):
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    nav = re.search(r'(?s)<nav class="language-switch" aria-label="([^"]+)">(.*?)</nav>', page)
    assert nav and nav.group(1) == "Langue"
    buttons = re.findall(r'<button type="submit" lang="(\w+)"[^>]*>([^<]+)</button>', nav.group(2))
    assert buttons == [("ar", "العربية"), ("fr", "français"), ("en", "English")]
    assert 'lang="fr" class="lang-button is-current"' in nav.group(2)
