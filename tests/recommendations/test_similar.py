"""Similar recommendations: found while typing (a JSON answer for the form's script), shown again when
a text that repeats one is submitted, and merged at once by the rapporteur."""

from __future__ import annotations

import sqlalchemy as sa

from forum.audit import entries_for
from forum.recommendations import services
from forum.recommendations.models import Recommendation, RecommendationStatus, TargetActor
from forum.registration.models import RegistrationStatus

WATER_AR = "تعميم الربط بشبكة الماء الصالح للشرب في الدواوير القروية"
TRAINING_FR = "Créer des centres de formation professionnelle en milieu rural"


def _add(workshop, actor, text):
    return services.add_recommendation(workshop, text=text, target_actor=TargetActor.government, actor=actor)


def _texts(matches):
    return [m.recommendation.text for m in matches]


def test_variants_of_arabic_letters_and_french_accents_are_found_and_other_ideas_are_not(
    db, workshop_setup, make_workshop, make_user
):
    forum, rapporteur, organiser, workshop = workshop_setup
    water = _add(workshop, rapporteur, WATER_AR)
    training = _add(workshop, rapporteur, TRAINING_FR)
    _add(workshop, rapporteur, "Améliorer l’accès des femmes rurales au crédit")
    _add(workshop, rapporteur, "إحداث صندوق جهوي لدعم التعاونيات النسائية")
    db.session.commit()
    # Hamza, alef maqsura, ta marbuta, tatweel and harakat written otherwise: the same text.
    [match] = services.similar_to(workshop, "تعميمُ الرّبط بشبكة الماء الصالـح للشرب فى الدواوير القرويه")
    assert match.recommendation == water and match.close and match.score >= 0.9
    # Without accents, in capitals, the words in another order: the same text.
    [match] = services.similar_to(workshop, "CENTRES DE FORMATION PROFESSIONNELLE : en creer en milieu rural !")
    assert match.recommendation == training and match.close
    # Another idea that shares a word or two is not shown; nor anything under twelve letters.
    assert services.similar_to(workshop, "Créer une plateforme numérique pour les associations") == []
    assert services.similar_to(workshop, "تنظيم قوافل طبية في الدواوير الجبلية") == []
    assert services.similar_to(workshop, "Créer des") == []
    # The beginning of a longer one is shown while typing, without counting as the same.
    [match] = services.similar_to(workshop, "Créer des centres de formation")
    assert match.recommendation == training and not match.close


def test_similar_ones_come_from_the_forum_in_play_and_the_workshop_first(
    db, workshop_setup, make_workshop, make_user, make_forum
):
    forum, rapporteur, organiser, workshop = workshop_setup
    other_workshop = make_workshop(forum, title="Eau")
    elsewhere = _add(other_workshop, organiser, TRAINING_FR + " pour les jeunes")
    here = _add(workshop, rapporteur, TRAINING_FR + " et les oasis")
    rejected = _add(workshop, rapporteur, TRAINING_FR + " et montagneux")
    services.reject(rejected, "Hors sujet", actor=organiser)
    merged = _add(workshop, rapporteur, TRAINING_FR + " vite")
    services.merge([merged], here, actor=organiser)
    services.accept(elsewhere, actor=organiser)
    other_forum = make_forum()
    _add(make_workshop(other_forum), make_user(is_admin=True), TRAINING_FR)
    db.session.commit()
    matches = services.similar_to(workshop, TRAINING_FR)
    assert [m.recommendation for m in matches] == [here, elsewhere]
    assert matches[1].recommendation.status == RecommendationStatus.accepted
    assert [m.recommendation for m in services.similar_to(other_workshop, TRAINING_FR)] == [elsewhere, here]
    assert len(services.similar_to(forum, TRAINING_FR, limit=1)) == 1


def test_the_search_while_typing_is_for_the_form_of_that_workshop_only(
    client, login, db, workshop_setup, make_workshop, make_user, make_forum, make_registration, open_input
):
    forum, rapporteur, organiser, workshop = workshop_setup
    survivor = _add(workshop, rapporteur, WATER_AR)
    db.session.commit()
    url = f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}/similar"
    typed = {"text": "تعميم الربط بشبكة الماء الصالح للشرب"}
    assert client.get(url, query_string=typed).status_code == 302  # sign in first
    other = make_user(forum=forum, roles=("rapporteur",))
    make_workshop(forum, rapporteur=other, title="RSE")
    login(other)
    assert client.get(url, query_string=typed).status_code == 403
    client.post("/logout")
    login(rapporteur)
    [match] = client.get(url, query_string=typed).get_json()["matches"]
    assert match["id"] == survivor.id and match["text"] == WATER_AR and match["status"] == "submitted"
    assert match["supports"] == 0 and match["dir"] == "rtl"
    assert match["action_url"].endswith(f"/workshops/{workshop.id}/merge-into/{survivor.id}")
    elsewhere = make_workshop(make_forum(), title="Ailleurs")
    assert client.get(url.replace(str(workshop.id), str(elsewhere.id)), query_string=typed).status_code == 404
    # Participants: through their own link, once confirmed; a support instead of a merge.
    person = make_registration(forum)
    mine = f"/f/{forum.slug}/me/{person.access_key}/recommendations/similar"
    [match] = client.get(mine, query_string={**typed, "workshop": workshop.id}).get_json()["matches"]
    assert match["action_url"].endswith(f"/recommendations/{survivor.id}/support")
    services.endorse(survivor, person)
    db.session.commit()
    [match] = client.get(mine, query_string=typed).get_json()["matches"]
    assert match["action_url"] is None and match["supports"] == 1
    assert client.get(mine, query_string={**typed, "workshop": elsewhere.id}).status_code == 404
    pending = make_registration(forum, status=RegistrationStatus.pending)
    assert client.get(mine.replace(person.access_key, pending.access_key), query_string=typed).status_code == 403
    other_forum = make_forum()
    open_input(other_forum)
    assert client.get(f"/f/{other_forum.slug}/me/{person.access_key}/recommendations/similar").status_code == 404


def test_the_search_while_typing_is_rate_limited(client, login, db, workshop_setup):
    forum, rapporteur, organiser, workshop = workshop_setup
    login(rapporteur)
    url = f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}/similar"
    codes = [client.get(url, query_string={"text": f"texte {n}"}).status_code for n in range(61)]
    assert codes[:60] == [200] * 60 and codes[60] == 429


def test_a_text_that_repeats_one_comes_back_once_with_it_and_goes_through_when_the_box_is_ticked(
    client, login, db, workshop_setup, make_registration
):
    forum, rapporteur, organiser, workshop = workshop_setup
    survivor = _add(workshop, rapporteur, TRAINING_FR)
    db.session.commit()
    login(rapporteur)
    url = f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}"
    data = {"text": "Créer des centres de formation professionnelle en milieu rural.", "target_actor": "donors"}
    response = client.post(url, data={**data, "priority": "high", "theme": "Emploi"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Similar recommendations already entered" in page
    assert "Recommendations like this one were already entered: see them below." in page
    assert f"{TRAINING_FR}.</textarea>" in page and 'value="Emploi"' in page  # nothing entered is lost
    assert f'formaction="{url}/merge-into/{survivor.id}"' in page
    assert "Submit anyway" in page and db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 1
    response = client.post(url, data={**data, "priority": "high", "submit_anyway": "y"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 2
    # Correcting a recommendation's wording asks nothing of the kind.
    page = client.get(f"/f/{forum.slug}/manage/recommendations/{survivor.id}/edit").get_data(as_text=True)
    assert "submit_anyway" not in page and "Submit anyway" not in page
    # A participant is shown the same, with a support instead of a merge.
    person = make_registration(forum)
    base = f"/f/{forum.slug}/me/{person.access_key}/recommendations/"
    data = {"workshop": workshop.id, "text": TRAINING_FR.upper(), "target_actor": "donors", "theme": "Jeunes"}
    page = client.post(base, data=data).get_data(as_text=True)
    assert "Similar recommendations already entered" in page and "Support this one instead" in page
    assert f'formaction="/f/{forum.slug}/me/{person.access_key}/recommendations/{survivor.id}/support"' in page
    assert 'value="Jeunes"' in page and db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 2
    assert client.post(base, data={**data, "submit_anyway": "y"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 3


def test_the_rapporteur_merges_the_typed_text_into_the_one_it_repeats_at_once(
    client, login, db, workshop_setup, make_workshop, make_user, make_forum, make_registration
):
    forum, rapporteur, organiser, workshop = workshop_setup
    survivor = _add(workshop, rapporteur, TRAINING_FR)
    supporter = make_registration(forum)
    services.endorse(survivor, supporter)
    db.session.commit()
    login(rapporteur)
    url = f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}/merge-into/{survivor.id}"
    wording = "Ouvrir des centres de formation professionnelle dans les zones rurales"
    response = client.post(url, data={"text": wording, "target_actor": "donors", "priority": "low"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/workshops/{workshop.id}#add")
    entered = db.session.scalar(sa.select(Recommendation).where(Recommendation.text == wording))
    assert entered.status == RecommendationStatus.merged and entered.merged_into_id == survivor.id
    assert entered.session_id == workshop.id and entered.merged_by_id == rapporteur.id
    assert services.support_counts([forum.id]) == {survivor.id: 1}
    actions = [e.action for e in entries_for(forum, target=f"recommendation:{survivor.id}")]
    assert "recommendation.merge" in actions
    page = client.get(f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}").get_data(as_text=True)
    assert "The text has been merged into the recommendation it repeats; its wording is kept there." in page
    assert wording not in page  # the list shows it once, through the survivor
    client.post("/logout")
    login(organiser)
    assert wording in client.get(f"/f/{forum.slug}/manage/recommendations/{survivor.id}").get_data(as_text=True)
    # Nothing typed: the form comes back; a recommendation of another forum is not found.
    client.post("/logout")
    login(rapporteur)
    response = client.post(url, data={"text": "", "target_actor": "donors", "priority": "low"})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    elsewhere = _add(make_workshop(make_forum()), make_user(is_admin=True), TRAINING_FR)
    db.session.commit()
    data = {"text": wording, "target_actor": "donors", "priority": "low"}
    assert client.post(url.replace(f"/{survivor.id}", f"/{elsewhere.id}"), data=data).status_code == 404
    # Another workshop's rapporteur may not enter into this workshop's list.
    other = make_user(forum=forum, roles=("rapporteur",))
    client.post("/logout")
    login(other)
    assert client.post(url, data=data).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 3
