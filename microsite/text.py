"""Text rules by language: NFC, slugs, the typography a language needs (French spacing for French), and the
mark of a text shown in another language than the page's."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode does not decompose into a base letter plus marks.
_TRANSLITERATIONS = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
    }
)

# The longest slug a page may have, in characters (ASCII once transliterated, so also bytes): a URL people can
# still read, and far inside the 255 bytes a file system allows one folder name (the slug becomes folders).
MAX_SLUG_LENGTH = 100


def nfc(text: str) -> str:
    """Return text in Unicode NFC, the form fonts, search and slugs expect."""
    return unicodedata.normalize("NFC", text)


def slugify(text: str, separator: str = "-") -> str:
    """Turn a title into an ASCII URL slug, keeping Vietnamese đ as d."""
    text = nfc(text).translate(_TRANSLITERATIONS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", separator, text).strip(separator)


@lru_cache(maxsize=65536)
def slugify_path(text: str) -> str:
    """Slugify each /-separated segment of a slug, dropping empty ones."""
    return "/".join(s for s in (slugify(part) for part in text.split("/")) if s)


# Elements whose text is code or data, never prose: French spacing stays out.
_RAW_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_NNBSP, _NBSP = "\u202f", "\u00a0"


_BEFORE_HIGH = re.compile(r"[ \t\n]+([;!?])")
_BEFORE_COLON = re.compile(r"[ \t\n]+:")
_AFTER_OPENING = re.compile(r"«[ \t\n]*(?![ \t\n\u00a0\u202f])")
_BEFORE_CLOSING = re.compile(r"(?<![\u00a0\u202f])[ \t\n]*»")
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3}) (?=\d{3}(?!\d))")
_APOSTROPHE = re.compile(r"(?<=\w)(?:'|&#39;)(?=\w)")
_ANYTHING_TO_DO = re.compile(r"[;!?:«»']|&#39;|\d \d")
_DIGIT_SPACE_DIGIT = re.compile(r"\d \d")


def french_spacing_text(text: str) -> str:
    """Apply French typography to plain text: no-break spaces before ; ! ? : and inside « », in 35 000, and ’."""
    if not _ANYTHING_TO_DO.search(text):
        return text
    # Each rule runs only where its character occurs: the checks cost far less than the regexes' scans.
    if ";" in text or "!" in text or "?" in text:
        text = _BEFORE_HIGH.sub(_NNBSP + r"\1", text)
    if ":" in text:
        text = _BEFORE_COLON.sub(_NBSP + ":", text)
    if "«" in text:
        # Guillemets get their space even when the editor typed none; an existing no-break space is kept.
        text = _AFTER_OPENING.sub("«" + _NBSP, text)
    # Thousands take a narrow no-break space (35 000), and the apostrophe is the typographic one (l’été).
    if " " in text and _DIGIT_SPACE_DIGIT.search(text):
        text = _THOUSANDS.sub(r"\1" + _NNBSP, text)
    if "'" in text or "&#39;" in text:
        text = _APOSTROPHE.sub("\u2019", text)
    return _BEFORE_CLOSING.sub(_NBSP + "»", text) if "»" in text else text


def french(lang: str) -> bool:
    """True for every French locale (fr, fr-CA, fr-BE, fr-CH…): they share one set of spacing rules.

    Quebec's usage (OQLF) puts a no-break space before the colon and inside « », as France does, and allows a
    narrow no-break space before ; ! ?, which is what these rules write: one set serves them all. Other
    languages get no rule: their text stays as written."""
    return lang.split("-")[0].lower() == "fr"


def typeset(text: str, lang: str) -> str:
    """Plain text in its language's typography: French rules for French, anything else as written.

    Applied to the texts of the data files and front matter, so that every format the build writes (HTML
    attributes, JSON-LD, Atom, iCalendar) carries the same characters as the page bodies."""
    return french_spacing_text(text) if french(lang) else text


def typeset_html(html: str, lang: str) -> str:
    """A rendered page in its language's typography (French spacing and raised ordinals for French), tags,
    attributes and code untouched; any other language as written."""
    return french_spacing_html(html) if french(lang) else html


class FallbackText(str):
    """A data text that lacks the page's language, shown in the source language instead: the page marks it with
    its own `lang` and a notice, the build warns (`where` says where the mapping is), --strict refuses it."""

    lang: str  # the language the text is written in (the source language)
    missing: str  # the language it stands in for
    where: tuple[str, int | None, int | None]  # the mapping's file, line and column

    def __new__(cls, text: str, lang: str, missing: str, where: tuple[str, int | None, int | None]) -> FallbackText:
        made = super().__new__(cls, text)
        made.lang, made.missing, made.where = lang, missing, where
        return made

    def __getnewargs__(self) -> tuple[str, str, str, tuple[str, int | None, int | None]]:  # type: ignore[override]
        """What pickle needs to make it again (the build cache stores parsed data files)."""
        return str(self), self.lang, self.missing, self.where

    def like(self, text: str) -> FallbackText:
        """Another text (the same one capitalised, say) with the same origin."""
        return FallbackText(text, self.lang, self.missing, self.where)


# French ordinals: 12e, 1er, 1re, 12es; a letter, digit, decimal point or path around them makes them something
# else (2e5, 12em, /2e).
_ORDINAL = re.compile(r"(?<![\w.,/-])(\d+)(es|e|ers|er|res|re)(?![\w\u2019'])")
# Elements whose text may not hold markup: a <sup> there would be printed as text.
_NO_MARKUP_ELEMENTS = {"title", "option"}


_LANG_ATTRIBUTE = re.compile(r"""\slang\s*=\s*["']?([A-Za-z0-9-]*)""")
_VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def french_spacing_html(html: str) -> str:
    """Apply French spacing to the text of an HTML document, never to tags, attributes or code, nor to an element
    marked as another language (a fallback's Vietnamese text, a switcher's language names); ordinals such as
    12e get their letters raised (12<sup>e</sup>) except where an element's text cannot hold markup."""
    parts = _TOKENS.split(html)  # text, tag, text, tag, ..., text
    raw_depth = plain_depth = 0
    # The element in another language the text is inside (its name, and how deep that name is nested), if any.
    foreign, foreign_depth = "", 0
    for i in range(0, len(parts), 2):
        if i:
            tag = parts[i - 1]
            match = _TAG_NAME.match(tag)
            if match and not tag.endswith("/>"):
                step = -1 if match.group(1) else 1
                name = match.group(2).lower()
                if name in _RAW_ELEMENTS:
                    raw_depth = max(raw_depth + step, 0)
                elif name in _NO_MARKUP_ELEMENTS:
                    plain_depth = max(plain_depth + step, 0)
                if foreign and name == foreign:
                    foreign_depth += step
                    foreign = foreign if foreign_depth else ""
                elif not foreign and step > 0 and "lang" in tag and name not in _VOID_ELEMENTS:
                    lang = _LANG_ATTRIBUTE.search(tag)
                    if lang and not french(lang.group(1)):
                        foreign, foreign_depth = name, 1
        text = parts[i]
        # A "<" with no ">" after it is not text either: leave it as typed.
        if raw_depth or foreign or not text or text[0] == "<":
            continue
        if _ANYTHING_TO_DO.search(text):
            text = french_spacing_text(text)
        if not plain_depth and "e" in text:
            text = _ORDINAL.sub(r"\1<sup>\2</sup>", text)
        parts[i] = text
    return "".join(parts)
