import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shipei.accounts.tests.factories import make_id_number
from shipei.core import identifiers


def test_valid_id_number_is_returned_in_canonical_form():
    number = make_id_number()
    assert identifiers.id_number_clean(number) == number


def test_lower_case_x_full_width_digits_and_spaces_are_normalised():
    first17 = "11010519491231002"
    number = first17 + identifiers.id_check_digit(first17)
    assert number.endswith("X")
    typed = " ".join("１１０１０５１９４９１２３１００２") + " x"
    assert identifiers.id_number_clean(typed) == number


def test_wrong_check_digit_is_refused_with_a_chinese_reason():
    number = make_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位不正确"):
        identifiers.id_number_clean(wrong)


def test_impossible_birth_date_is_refused():
    first17 = "33010619990230001"  # 30 February
    with pytest.raises(ValidationError, match="出生日期 19990230 不存在"):
        identifiers.id_number_clean(first17 + identifiers.id_check_digit(first17))


def test_future_birth_date_is_refused():
    first17 = "33010621990101001"
    with pytest.raises(ValidationError, match="不合理"):
        identifiers.id_number_clean(first17 + identifiers.id_check_digit(first17))


@pytest.mark.parametrize("cell", [3.30106199001011e17, 330106199001011234])
def test_id_stored_as_excel_number_is_refused_and_asks_for_text_format(cell):
    with pytest.raises(ValidationError, match="文本"):
        identifiers.id_number_clean(cell)


def test_short_id_number_says_how_long_it_is():
    with pytest.raises(ValidationError, match="现为15位"):
        identifiers.id_number_clean("330106199001011")


@given(st.integers(min_value=0, max_value=10**17 - 1))
def test_every_17_digits_get_exactly_one_valid_check_character(n):
    first17 = f"{n:017d}"
    digit = identifiers.id_check_digit(first17)
    others = [c for c in "0123456789X" if c != digit]
    assert all(identifiers.id_check_digit(first17) != o for o in others)


def test_gender_comes_from_the_17th_digit():
    assert identifiers.id_gender("330106199001011234"[:16] + "1" + "X") == "M"
    assert identifiers.id_gender("330106199001011224"[:16] + "2" + "X") == "F"


@pytest.mark.parametrize(
    "typed",
    [
        "13800000001",
        "138 0000 0001",
        "+86 13800000001",
        "138-0000-0001",
        "１３８００００００01",
        13800000001.0,
    ],
)
def test_mobile_variants_normalise_to_eleven_digits(typed):
    assert identifiers.mobile_clean(typed) == "13800000001"


@pytest.mark.parametrize("typed", ["12800000001", "1380000000", "138000000012", "abc"])
def test_bad_mobiles_are_refused(typed):
    with pytest.raises(ValidationError, match="11位"):
        identifiers.mobile_clean(typed)


def test_credit_code_with_valid_check_character_passes():
    from stdnum.cn import uscc

    code = "91330106MA2B3K7P5" + uscc.calc_check_digit("91330106MA2B3K7P5")
    assert identifiers.credit_code_clean(code.lower()) == code


def test_credit_code_with_wrong_check_character_is_refused():
    with pytest.raises(ValidationError, match="统一社会信用代码不正确"):
        identifiers.credit_code_clean("91330106MA2B3K7P50")


def test_school_code_must_be_ten_digits():
    assert identifiers.school_code_clean(4133012863.0) == "4133012863"
    with pytest.raises(ValidationError, match="10位数字"):
        identifiers.school_code_clean("413301286")


def test_masks_keep_first_six_and_last_four_of_ids_and_three_and_four_of_mobiles():
    assert identifiers.mask_id_number("330106199001011234") == "330106********1234"
    assert identifiers.mask_mobile("18612341402") == "186****1402"
