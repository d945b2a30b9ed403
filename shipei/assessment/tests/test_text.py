"""字数 as Word/WPS count it, and the near-duplicate measures."""

from shipei.assessment import text


def test_chinese_characters_and_full_width_punctuation_count_one_each():
    assert text.length("职业教育，重在实践。") == 10


def test_latin_words_and_numbers_count_one_each_and_spaces_nothing():
    assert text.length("Hello world, it's 2024 and 3.14") == 6
    assert text.length("   \n\t\u3000 ") == 0


def test_markup_counts_nothing():
    assert text.length("<p>中文</p>&nbsp;<b>AI</b>") == 3


def test_a_mixed_paragraph_counts_like_word():
    assert text.length("我爱北京天安门。Hello world！“引号”……") == 7 + 1 + 2 + 1 + 4 + 2


def test_a_copy_reflowed_and_repunctuated_is_still_a_near_duplicate():
    a = "职业教育的根本任务是培养高素质技术技能人才，教师队伍建设是关键。" * 20
    b = "职业教育的根本任务是培养高素质技术技能人才。教师队伍建设\n是关键！" * 20
    assert text.jaccard(text.shingles(a), text.shingles(b)) > 0.9
    shared = set(text.band_digests(text.signature(text.shingles(a)))) & set(
        text.band_digests(text.signature(text.shingles(b)))
    )
    assert shared  # the two share a band: the copy is found as a candidate


def test_unrelated_essays_share_no_band():
    a = "工学一体化课程以典型工作任务为载体，学生在真实情境中完成学习任务。" * 10
    b = "信息化教学要求教师掌握数字资源的设计与开发方法，并能开展线上教学。" * 10
    sig_a = text.band_digests(text.signature(text.shingles(a)))
    sig_b = text.band_digests(text.signature(text.shingles(b)))
    assert not set(sig_a) & set(sig_b)
    assert text.jaccard(text.shingles(a), text.shingles(b)) < 0.1
