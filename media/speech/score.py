"""Word error rate against a known sentence, after the normalisation the issue names:
lower-case, punctuation dropped, a letter glued to a digit split ("k7" -> "k seven") and
digits written as words ("2" -> "two", "20" -> "twenty")."""

from __future__ import annotations

import re

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
        "sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> list[str]:
    """English words for 0 <= n < 10**12 ("2" -> two, "105" -> one hundred and five)."""
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        rest = number_words(n % 100) if n % 100 else []
        return [_ONES[n // 100], "hundred"] + (["and"] + rest if rest else [])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            rest = number_words(n % size) if n % size else []
            return number_words(n // size) + [name] + rest
    raise ValueError(n)


def normalise(text: str) -> list[str]:
    """The words of ``text`` as compared: see the module's doc."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)  # k7 -> k 7, 7k -> 7 k
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,000 -> 1000
    words: list[str] = []
    for token in re.findall(r"[a-z0-9]+(?:'[a-z]+)*", text):
        if token.isdigit():
            words.extend(number_words(int(token)) if len(token) <= 12 else list(map(_ONES.__getitem__, map(int, token))))
        else:
            words.append(token)
    return words


def edit_distance(a: list[str], b: list[str]) -> int:
    """Substitutions + deletions + insertions turning ``a`` into ``b``."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[len(b)]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Errors per reference word, both normalised (1.0 for a missing transcript)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
