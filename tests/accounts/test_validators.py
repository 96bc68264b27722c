import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lawbridge.accounts.validators import USCC_ALPHABET, normalise_uscc, uscc_check_character, validate_uscc


def test_real_code_passes():
    validate_uscc("91330100799655058B")  # a real, published code


def test_spaces_dashes_and_lower_case_are_normalised():
    assert normalise_uscc(" 9133-0100 7996 55058b ") == "91330100799655058B"
    validate_uscc(" 9133-0100 7996 55058b ")


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("9133010079965505", "uscc_length"),
        ("91330100799655058BX", "uscc_length"),
        ("91330100799655058I", "uscc_format"),  # I is not in the alphabet
        ("9133AB00799655058B", "uscc_format"),  # positions 3-8 are the division code: digits only
        ("91330100799655058C", "uscc_checksum"),
        ("91330100799655085B", "uscc_checksum"),  # two digits swapped
    ],
)
def test_bad_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert exc.value.code == error_code


alphabet = st.sampled_from(USCC_ALPHABET)
digits = st.sampled_from("0123456789")


@given(
    st.tuples(
        st.lists(alphabet, min_size=2, max_size=2),
        st.lists(digits, min_size=6, max_size=6),
        st.lists(alphabet, min_size=9, max_size=9),
    )
)
def test_any_body_with_its_check_character_validates(parts):
    body = "".join(parts[0] + parts[1] + parts[2])
    validate_uscc(body + uscc_check_character(body))


@given(st.lists(alphabet, min_size=17, max_size=17), st.integers(0, 16), alphabet)
def test_a_single_changed_character_is_caught(chars, position, replacement):
    body = "".join(chars[:2]) + "330100" + "".join(chars[8:])
    code = body + uscc_check_character(body)
    if code[position] == replacement or (2 <= position < 8 and not replacement.isdigit()):
        return
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


def test_the_test_factories_make_valid_distinct_codes():
    from tests.factories import valid_uscc

    codes = [valid_uscc(n) for n in range(2000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        validate_uscc(code)
