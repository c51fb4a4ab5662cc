"""The suggestions while typing (a fast path: sorted lists searched by prefix) against the obvious version,
a filter over every organisation, on organisations named in Latin and Arabic script across regions."""

from __future__ import annotations

import random

import sqlalchemy as sa

from forum import geo
from forum.registration.models import Area, Organisation, OrganisationKind
from forum.registration.names import name_key
from forum.series.services import merge, suggest
from forum.series.services.suggestions import SUGGESTIONS

WORDS = "amal nour ziz atlas امل نور زيز أطلس".split()
#: the first word of most names; some names start with a word others hold further on
GENERIC = ["Association", "Coopérative", "جمعية", "تعاونية", "Amal", "نور"]


def reference(db, text: str, region: str | None) -> list[int]:
    """Nothing for fewer than two letters, else every organisation not merged whose name key starts with
    the text or holds a word that starts with it: the region's first, then names that start with it, then
    by name key (or, for a word, by the name key from the first such word on)."""
    key = name_key(text)
    if len(key) < 2:
        return []
    provinces = {p.code for p in geo.region(region).provinces} if region else set()
    ranked = []
    for organisation in db.session.scalars(sa.select(Organisation).where(Organisation.merged_into_id.is_(None))):
        name = organisation.name_key
        words = [name[n + 1 :] for n, c in enumerate(name) if c == " " and name[n + 1 :].startswith(key)]
        if name.startswith(key) or words:
            outside = organisation.province not in provinces
            starts = name.startswith(key)
            ranked.append(((outside, not starts, name if starts else min(words)), organisation.id))
    return [org_id for _, org_id in sorted(ranked)[:SUGGESTIONS]]


def typed_texts(rng: random.Random, names: list[str]) -> list[str]:
    texts = ["as", "association", "جم", "جمعية", "تعاونية ا", "zz", "12", "1", "co", "amal", "amal n", "نور ا", "نور"]
    for name in rng.sample(names, 30):
        words = name.split()
        start = rng.randrange(len(words))
        texts.append(" ".join(words[start:])[: rng.randint(2, 14)])
    return texts


def test_the_suggestions_are_those_of_a_filter_over_every_organisation(db, make_user):
    rng = random.Random(17)
    provinces = [None, "errachidia", "zagora", "oujda-angad", "nador", "agadir-ida-ou-tanane", "guelmim", "atlantis"]
    names = []

    def add(count: int) -> None:
        for _ in range(count):
            name = f"{rng.choice(GENERIC)} {rng.choice(WORDS)} {rng.choice(WORDS)} {len(names) + 1}"
            names.append(name)
            kind = rng.choice(list(OrganisationKind))
            db.session.add(Organisation(name=name, kind=kind, province=rng.choice(provinces), area=Area.rural))
        db.session.commit()

    def compare() -> None:
        for text in typed_texts(rng, names):
            for region in (None, "draa-tafilalet", "oriental", "souss-massa"):
                found = [s["id"] for s in suggest(text, region)]
                assert found == reference(db, text, region), (text, region)

    add(300)
    compare()
    # organisations added one at a time (sorted in) and many at once, then a merge (read again)
    add(3)
    compare()
    add(100)
    compare()
    kept, merged = db.session.scalars(sa.select(Organisation).order_by(Organisation.id).limit(2)).all()
    merge(kept, merged, actor=make_user(is_admin=True))
    db.session.commit()
    assert merged.id not in {s["id"] for s in suggest(merged.name, None)}
    compare()


def test_new_organisations_are_suggested_once_the_database_is_asked_again(app, db, make_organisation, monkeypatch):
    make_organisation(name="Association Tafilalet Verte", province="errachidia")
    assert [s["name"] for s in suggest("tafilalet", None)] == ["Association Tafilalet Verte"]
    monkeypatch.setitem(app.config, "SUGGESTIONS_RECHECK_SECONDS", 3600)
    make_organisation(name="Association Tafilalet Bleue", province="errachidia")
    # asked a moment ago: the keystroke is answered from memory, without a query
    assert [s["name"] for s in suggest("tafilalet", None)] == ["Association Tafilalet Verte"]
    monkeypatch.setitem(app.config, "SUGGESTIONS_RECHECK_SECONDS", 0)
    names = [s["name"] for s in suggest("tafilalet", None)]
    assert names == ["Association Tafilalet Bleue", "Association Tafilalet Verte"]
