"""Hypothesis strategies for the v1 API's inputs."""
from __future__ import annotations

from hypothesis import strategies as st

from fixtures.api_facts import API_METHODS
from fixtures.secret_format import ALPHABET, LENGTHS, is_well_formed


def unknown_method_names() -> st.SearchStrategy[str]:
    """Method names that are not one of the 17 (near misses of real names, and arbitrary text).

    Sync cuts the name at the first NUL byte, so a real name followed by NUL is excluded too."""
    near_misses = st.builds(lambda name, edit: edit(name), st.sampled_from(API_METHODS), st.sampled_from([
        str.upper, str.title, lambda name: name + "_", lambda name: " " + name, lambda name: name[:-1],
        lambda name: name.replace("_", "-"), lambda name: name + "\u00e9", lambda name: name * 3]))
    arbitrary = st.text(min_size=0, max_size=300)
    return st.one_of(near_misses, arbitrary).filter(lambda name: name.split("\x00")[0] not in API_METHODS)


def _base32(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=ALPHABET, min_size=min_size, max_size=max_size)


def invalid_secrets() -> st.SearchStrategy[str]:
    """Strings Sync must not accept as a secret: wrong alphabet, wrong length, or wrong type letter."""
    letters = st.sampled_from(sorted(LENGTHS))
    wrong_alphabet = st.builds(
        lambda letter, body, position, intruder: letter + body[:position] + intruder + body[position + 1:],
        letters, _base32(32, 32), st.integers(0, 31),
        st.sampled_from("abcxyz0189+/=-_ !\u00e9\u4e2d"))
    wrong_length = st.builds(lambda letter, body: letter + body, letters, _base32(0, 80))
    wrong_type = st.builds(lambda letter, body: letter + body,
                           st.sampled_from([c for c in ALPHABET if c not in LENGTHS]), _base32(32, 58))
    anything = st.text(max_size=80)
    return st.one_of(wrong_alphabet, wrong_length, wrong_type, anything).filter(
        lambda secret: not is_well_formed(secret))
