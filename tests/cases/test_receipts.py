"""Case references and access keys: their shape, their alphabet, and typing them back."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from cases import receipts


def test_a_reference_is_the_year_and_eight_symbols():
    reference = receipts.new_reference(date(2026, 11, 29))
    assert re.fullmatch(r"2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", reference)


def test_an_access_key_is_twenty_eight_symbols_in_groups_of_four():
    key = receipts.new_access_key()
    groups = key.split("-")
    assert [len(group) for group in groups] == [4] * 7
    assert set("".join(groups)) <= set(receipts.ALPHABET)


def test_every_symbol_is_drawn_about_equally_often():
    """5 bits a symbol: each of the 32 about 1/32 of the time (a bias would weaken the key)."""
    drawn = Counter("".join(receipts.new_access_key().replace("-", "") for _ in range(4000)))
    assert set(drawn) == set(receipts.ALPHABET)
    expected = 4000 * 28 / 32
    assert all(abs(count - expected) < 0.1 * expected for count in drawn.values()), drawn


def test_keys_do_not_repeat():
    assert len({receipts.new_access_key() for _ in range(10_000)}) == 10_000


def test_typed_back_with_lookalikes_spaces_and_lower_case():
    key = receipts.new_access_key()
    typed = key.lower().replace("0", "o").replace("1", "l").replace("-", " ")
    assert receipts.normalise_access_key(typed) == key
    reference = receipts.new_reference(date(2026, 1, 2))
    assert receipts.normalise_reference(reference.replace("-", "").lower()) == reference
