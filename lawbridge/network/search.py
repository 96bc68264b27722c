"""Text for the directory's free-text search: names in any script, their pinyin, and normalised queries.

A Chinese name is indexed with its pinyin spelt out, run together and as initials, so "zhang wei",
"zhangwei" and "zw" all find 张伟; Latin names are folded to lower case without accents, so "muller"
finds "Müller".
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

MAX_QUERY_LENGTH = 100
MAX_TOKENS = 8
# Letters and digits of any script, spaces, and the punctuation names and firm names carry.
_ALLOWED = re.compile(r"^[\w\s\-'’.·&,()/+]*$", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s\-'’.·&,()/+_]+")


class QueryError(ValueError):
    """A query the directory refuses, with a message for people."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


def fold(text: str) -> str:
    """Lower case, compatibility forms unified (full-width letters), accents removed."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def pinyin_forms(text: str) -> list[str]:
    """For text with Chinese characters: syllables spaced, run together, and initials."""
    if not _HAN.search(text or ""):
        return []
    han = "".join(_HAN.findall(text))
    syllables = lazy_pinyin(han)
    initials = lazy_pinyin(han, style=Style.FIRST_LETTER)
    return [" ".join(syllables), "".join(syllables), "".join(initials)]


def index_text(*parts: str) -> str:
    """The search text of a record: each part folded, with pinyin forms for Chinese, separated by ' | '."""
    pieces: list[str] = []
    for part in parts:
        if not part:
            continue
        folded = fold(part)
        pieces.append(" ".join(_SEPARATORS.split(folded)).strip())
        pieces.extend(pinyin_forms(part))
    return " | ".join(p for p in pieces if p)


def query_tokens(query: str) -> list[str]:
    """Split a directory query into tokens that must all occur. Raises QueryError for what it cannot take."""
    query = (query or "").strip()
    if not query:
        return []
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            "query_too_long",
            _("The search text is too long: at most %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH},
        )
    if "\x00" in query or not _ALLOWED.match(query):
        raise QueryError(
            "invalid_query",
            _("The search text may hold letters, digits, spaces and the punctuation of names (- ' . · & , ( ) /)."),
        )
    tokens = [t for t in _SEPARATORS.split(fold(query)) if t]
    if len(tokens) > MAX_TOKENS:
        raise QueryError("query_too_long", _("Search with at most %(limit)d words.") % {"limit": MAX_TOKENS})
    return tokens
