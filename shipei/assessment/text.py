"""An essay's length counted the way Word and WPS count 字数, and its near-duplicates.

字数: each Chinese character and each full-width punctuation mark counts 1, each run of Latin
letters or digits (a word or a number, with its inner apostrophes, hyphens, dots) counts 1;
whitespace and markup (HTML tags, entities) count nothing.

Near-duplicates: the essay's character 5-grams (shingles, whitespace and punctuation removed,
so that reflowing or re-punctuating a copy does not hide it), their MinHash signature (64
permutations over numpy, the way datasketch computes it, without its scipy dependency: we need
MinHash alone, and its LSH index lives in memory or Redis where ours is a database table), cut
into 16 bands of 4: two essays sharing a band are candidates, and a candidate's exact Jaccard
over the shingles decides. With bands of 4, a pair at Jaccard 0.5 shares some band with
probability 1 - (1 - 0.5^4)^16 ≈ 0.64 and at 0.7 ≈ 0.98; at 0.2 ≈ 0.03.
"""

import hashlib
import html
import re

import numpy as np

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.5  # Jaccard at and above which an essay is flagged

_TAGS = re.compile(r"<[^>]*>")
_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, extension A, compatibility
    "\U00020000-\U0002ebef"  # extensions B-F
)
# Full-width punctuation: CJK symbols and punctuation, full-width forms, and the quotes,
# dashes and ellipsis Chinese text uses.
_FULL_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
_WORD = re.compile(
    rf"[{_CJK}]|[{_FULL_PUNCT}]|[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*"
)
_KEEP = re.compile(rf"[{_CJK}A-Za-z0-9]")

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX = np.uint64((1 << 32) - 1)
_rng = np.random.RandomState(1)  # fixed: signatures must agree across processes and years
_A = _rng.randint(1, int(_MERSENNE), size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.randint(0, int(_MERSENNE), size=PERMUTATIONS, dtype=np.uint64)


def plain(text: str) -> str:
    """The text without markup."""
    return html.unescape(_TAGS.sub(" ", text))


def length(text: str) -> int:
    """字数 as Word/WPS count it."""
    # A full-width space (U+3000) falls in the punctuation block but is whitespace.
    return sum(1 for token in _WORD.findall(plain(text)) if token.strip())


def _letters(text: str) -> tuple[str, list[int]]:
    """The text's CJK characters, letters and digits (lower-cased), and where each came from."""
    source = plain(text)
    keep = [(m.group().lower(), m.start()) for m in _KEEP.finditer(source)]
    return "".join(c for c, _i in keep), [i for _c, i in keep]


def shingles(text: str) -> set[str]:
    letters, _pos = _letters(text)
    return {letters[i : i + SHINGLE] for i in range(max(len(letters) - SHINGLE + 1, 0))}


def _hash32(s: str) -> int:
    return int.from_bytes(hashlib.sha1(s.encode()).digest()[:4], "little")


def signature(grams: set[str]) -> np.ndarray:
    """The MinHash signature of a set of shingles (PERMUTATIONS 32-bit values)."""
    if not grams:
        return np.full(PERMUTATIONS, _MAX, dtype=np.uint64)
    hv = np.array([_hash32(g) for g in grams], dtype=np.uint64)
    phv = ((hv[:, None] * _A + _B) % _MERSENNE) & _MAX
    return phv.min(axis=0)


def band_digests(sig: np.ndarray) -> list[int]:
    """One signed 63-bit digest per band (what the database indexes)."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        out.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1)
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def shared_passages(
    text: str, other: set[str], *, limit: int = 5, minimum: int = 20, longest: int = 300
) -> list[str]:
    """The longest passages of `text` made of shingles `other` also has (at least `minimum`
    characters, the longest `limit` of them, each cut at `longest`), as they read in `text`:
    what the reviewer sees."""
    letters, pos = _letters(text)
    source = plain(text)
    runs: list[tuple[int, int]] = []
    start = None
    for i in range(max(len(letters) - SHINGLE + 1, 0) + 1):
        hit = i < len(letters) - SHINGLE + 1 and letters[i : i + SHINGLE] in other
        if hit and start is None:
            start = i
        elif not hit and start is not None:
            runs.append((start, i - 1 + SHINGLE))
            start = None
    runs = [r for r in runs if r[1] - r[0] >= minimum]
    runs.sort(key=lambda r: r[0] - r[1])
    out = [source[pos[a] : pos[b - 1] + 1] for a, b in sorted(runs[:limit])]
    return [p if len(p) <= longest else p[:longest] + "……" for p in out]
