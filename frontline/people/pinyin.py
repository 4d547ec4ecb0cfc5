"""Pinyin keys for searching names: 张三丰 → ("zhangsanfeng", "zsf")."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=20000)
def _syllable(char: str) -> str:
    # Surnames are read with their surname reading (单 shan, 曾 zeng) where pypinyin knows it;
    # for search, the common reading is what people type, so plain lazy_pinyin is used.
    return lazy_pinyin(char, style=Style.NORMAL, errors=lambda c: c.lower())[0].lower()


def pinyin_keys(name: str) -> tuple[str, str]:
    syllables = [_syllable(c) for c in name if not c.isspace() and c not in "·•."]
    return "".join(syllables), "".join(s[:1] for s in syllables)
