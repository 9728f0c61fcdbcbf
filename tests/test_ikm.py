"""The IKM of PermenPANRB 14/2017 against examples computed by hand."""
from __future__ import annotations

import pytest

from kokom import ikm


def full(*scores):
    return {f"u{i}": s for i, s in enumerate(scores, start=1)}


def test_nine_elements_with_the_regulations_wording():
    assert [e.key for e in ikm.ELEMENTS] == [f"u{i}" for i in range(1, 10)]
    assert ikm.ELEMENTS[0].name == "Persyaratan"
    assert ikm.ELEMENTS[3].answers == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    assert ikm.ELEMENTS[7].answers[-1] == "Dikelola dengan baik"
    assert all(len(t) <= 24 for e in ikm.ELEMENTS for t in e.short)  # WhatsApp list rows


def test_worked_example_by_hand():
    # Three residents. Element sums: u1 4+3+3=10, u2..u9 as below; by hand:
    # u1 10/3, u2 9/3, u3 8/3, u4 12/3, u5 9/3, u6 9/3, u7 11/3, u8 7/3, u9 9/3
    # mean of averages = (10+9+8+12+9+9+11+7+9)/27 = 84/27 = 3.1111...; IKM = 84/27*25 = 77.777... -> B
    r = ikm.compute([full(4, 3, 3, 4, 3, 3, 4, 2, 3), full(3, 3, 2, 4, 3, 3, 4, 2, 3), full(3, 3, 3, 4, 3, 3, 3, 3, 3)])
    assert r.respondents == 3 and r.answers == 27
    assert r.element_averages["u1"] == pytest.approx(10 / 3)
    assert r.nrr == pytest.approx(84 / 27)
    assert r.ikm == pytest.approx(2100 / 27)  # 77.78, not 3.111*... with 0.111 weights
    assert (r.grade, r.grade_label) == ("B", "Baik")


def test_exact_ninth_weights_not_rounded():
    # all 4 -> with 0.111 weights the index would be 99.9, with exact 1/9 it is 100
    assert ikm.compute([full(*[4] * 9)]).ikm == pytest.approx(100.0)
    assert ikm.compute([full(*[4] * 9)]).grade == "A"


def test_partial_survey_counts_the_elements_answered():
    # Resident A answered all nine with 3; resident B stopped after two questions (4, 4).
    # u1 = (3+4)/2 = 3.5, u2 = 3.5, u3..u9 = 3 -> mean = (3.5*2 + 3*7)/9 = 28/9; IKM = 700/9 = 77.78
    r = ikm.compute([full(*[3] * 9), {"u1": 4, "u2": 4}])
    assert r.respondents == 2 and r.answers == 11
    assert r.element_counts["u1"] == 2 and r.element_counts["u3"] == 1
    assert r.ikm == pytest.approx(700 / 9)


def test_no_answers_is_no_index():
    r = ikm.compute([])
    assert r.ikm is None and r.grade is None and not r.has_data
    r = ikm.compute([{"u1": None}])
    assert r.respondents == 0


@pytest.mark.parametrize(("value", "letter"), [
    (100, "A"), (88.31, "A"), (88.305, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"),
    (65.00, "C"), (64.99, "D"), (25, "D"),
])
def test_grades(value, letter):
    assert ikm.grade(value)[0] == letter


def test_bad_score_refused():
    with pytest.raises(ValueError):
        ikm.compute([{"u1": 5}])


@pytest.mark.parametrize(("text", "element", "scale", "expected"), [
    ("3", None, 4, 3), ("tiga", None, 4, 3), ("5", None, 4, None), ("5", None, 5, 5),
    ("bagus", None, 5, 4), ("lumayan", None, 5, 3), ("sangat puas", None, 5, 5), ("tidak puas", None, 5, 1),
    ("kurang puas", None, 5, 2), ("sangat mudah", 1, 4, 4), ("Kurang mudah", 1, 4, 2),
    ("gratis", 3, 4, 4), ("dikelola dengan baik", 7, 4, 4), ("lumayan", 2, 4, 3),
    ("mau bikin ktp untuk anak saya besok", None, 5, None), ("halo", None, 5, None),
])
def test_typed_answers(text, element, scale, expected):
    el = ikm.ELEMENTS[element] if element is not None else None
    assert ikm.parse_score(text, el, scale=scale) == expected
