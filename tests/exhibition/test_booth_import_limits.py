"""The booth CSV import is bounded: size, rows, codes, numbers; encoding errors are answered per line."""

from __future__ import annotations

import time

import pytest

from forum.exhibition import services
from forum.exhibition.services import booth_import

HEAD = "code,zone,area_m2,x,y,width,height,tier,power,water,wall\n"


def test_bytes_not_utf8_are_named_by_line_and_the_rest_still_checked(organiser, db):
    forum, user = organiser
    data = (HEAD + "A1,A,9,0,0,3,3,standard,yes,no,no\n").encode() + "A2,Zé,9,3,0,3,3,standard,,,\n".encode("latin-1")
    data += b"A3,A,99999,6,0,3,3,standard,,,\n"
    with pytest.raises(services.ExhibitionError) as refused:
        services.import_booths(forum, data, actor=user)
    assert "Line 3: the text is not UTF-8." in str(refused.value)
    assert "Line 4: a value is missing or not valid." in str(refused.value)
    assert services.booths_of(forum) == []


@pytest.mark.parametrize(
    "line",
    [
        "A" * 13 + ",A,9,0,0,3,3,standard,,,",  # a code longer than the booth form allows
        "A1," + "Z" * 11 + ",9,0,0,3,3,standard,,,",  # a zone code too long
        "A1,A,9,0,0,3," + "9" * 40 + ",standard,,,",  # a number too large for the database
        "A1,A,9,-1,0,3,3,standard,,,",
        "A1,A,9,0,0,3,3,golden,,,",
        "A1,A",
    ],
)
def test_out_of_bounds_values_are_refused_by_line(organiser, db, line):
    forum, user = organiser
    with pytest.raises(services.ExhibitionError, match="Line 2: a value is missing or not valid."):
        services.import_booths(forum, HEAD + line + "\n", actor=user)


def test_a_huge_file_is_refused_at_once(organiser, db):
    forum, user = organiser
    rows = "".join(f"B{n},B,9,{n % 500},{n // 500},1,1,standard,,,\n" for n in range(20_000))
    started = time.monotonic()
    with pytest.raises(services.ExhibitionError, match="too large"):
        services.import_booths(forum, (HEAD + rows).encode(), actor=user)
    with pytest.raises(services.ExhibitionError, match="more than 1,000 booths"):
        services.import_booths(forum, HEAD + rows, actor=user)
    assert time.monotonic() - started < 2
    assert booth_import.MAX_ROWS == 1000


def test_the_upload_page_answers_a_bad_file_with_the_reason(client, login, organiser, db):
    forum, user = organiser
    login(user)
    import io

    data = {"file": (io.BytesIO(b"\xff\xfe\x00garbage" * 50_000), "booths.csv")}
    response = client.post(
        f"/f/{forum.slug}/manage/exhibition/booths/import",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200 and "The file is too large (256 kB at most)." in response.text
