import pytest

from companies.validators import (
    is_valid_corporate_number,
    make_corporate_number,
    normalise_corporate_number,
)


@pytest.mark.parametrize("number", ["7000012050002", "4000012090001", "1010001000006"])
def test_published_corporate_numbers_are_valid(number):
    # Real numbers published by the National Tax Agency (e.g. 国税庁 7000012050002).
    assert is_valid_corporate_number(number)


@pytest.mark.parametrize("number", ["8000012050002", "700001205000", "70000120500021", "700001205000a", ""])
def test_wrong_check_digit_or_form_is_invalid(number):
    assert not is_valid_corporate_number(number)


def test_make_corporate_number_round_trips():
    number = make_corporate_number("000012050002")
    assert number == "7000012050002"


def test_full_width_input_is_normalised():
    assert normalise_corporate_number("７０００－０１２０－５０００２") == "7000012050002"
