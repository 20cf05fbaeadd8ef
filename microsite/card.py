"""The social card: the 1200x630 PNG that social networks and chat apps show for a page, drawn from the event's data.

`draw(Card(...))` returns the PNG's bytes; the build draws one per language. The font is Be Vietnam Pro, shipped in
`microsite/fonts/` with its licence (OFL) and re-made by `scripts/font.py`: it covers Latin, Latin Extended and
Vietnamese, so French and Vietnamese are drawn in full.

Limits, because the card uses Pillow's basic text layout (no libraqm) and one font:
- Right-to-left text (`direction="rtl"`) is right-aligned, and that is all: without libraqm Pillow neither reorders
  (bidi) nor shapes, so Arabic letters would stay unjoined and in logical order, and the font has no Arabic or
  Hebrew letters anyway. A site in such a language needs a font for its script and a shaping engine first.
- A character the font lacks (another script, an emoji) is drawn as the font's `.notdef` glyph, which in this font
  is empty: a blank gap the width of a letter, never an error.
The basic layout is chosen explicitly even where libraqm is installed, so the card is the same bytes on every
machine with the Pillow of constraints.txt.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from .text import nfc

WIDTH, HEIGHT = 1200, 630  # the size Open Graph and Twitter cards expect (1.91:1)
MARGIN = 80  # left and right: no text is placed closer to the edge
PADDING = 50  # top and bottom: the text block is centred between these
BACKGROUND = (13, 76, 115)  # #0d4c73; every text colour below is at least 5:1 against it

FONTS = Path(__file__).with_name("fonts")
BOLD = FONTS / "BeVietnamPro-Bold.ttf"
REGULAR = FONTS / "BeVietnamPro-Regular.ttf"
ELLIPSIS = "…"
# A word: what lies between two places where a line may break, that is any white space but the no-break spaces
# French spacing puts before « : » and the like.
_WORD = re.compile(r"(?:\S|[\xa0\u2007\u202f])+")


@dataclass(frozen=True)
class Card:
    """What one language's card says: each text is drawn as given (NFC-normalised); an empty one is left out."""

    kicker: str  # a short line above the title: the date and the place
    title: str  # the event's name, the biggest text
    subtitle: str  # a second line of name or theme, under the title
    footer: str  # the last line: the cities, the organisers, the address
    lang: str  # the texts' language (a BCP 47 tag), for the caller's file name; the basic layout needs no more
    direction: Literal["ltr", "rtl"] = "ltr"


@dataclass(frozen=True)
class _Style:
    """How one of the card's texts is set: the sizes tried (largest first), the lines allowed, colour, spacing."""

    font: Path
    sizes: tuple[int, ...]
    max_lines: int
    leading: float  # line pitch as a multiple of the size
    colour: tuple[int, int, int]
    space_after: int


# At their largest, the four blocks take 36 + 18 + 271 + 16 + 109 + 36 + 38 = 524 px of the 530 between the
# paddings, so every field at its longest still fits; longer texts shrink, then end in "…". Contrast is WCAG's.
KICKER = _Style(BOLD, (28, 24, 20), 1, 1.25, (255, 180, 169), 18)  # #ffb4a9: 5.37:1
TITLE = _Style(BOLD, tuple(range(76, 31, -4)), 3, 1.15, (255, 255, 255), 16)  # white: 9.14:1
SUBTITLE = _Style(REGULAR, (44, 40, 36, 32, 28), 2, 1.2, (215, 233, 245), 36)  # #d7e9f5: 7.34:1
FOOTER = _Style(REGULAR, (30, 26, 22), 1, 1.25, (244, 241, 234), 0)  # #f4f1ea: 8.10:1


@dataclass(frozen=True)
class _Block:
    """One text set in lines: its font, lines and style."""

    font: ImageFont.FreeTypeFont
    lines: list[str]
    style: _Style

    @property
    def pitch(self) -> int:
        """The distance between two baselines, in pixels."""
        return round(self.font.size * self.style.leading)

    @property
    def height(self) -> int:
        """From the top of the first line to the bottom of the last."""
        ascent, descent = self.font.getmetrics()
        return (len(self.lines) - 1) * self.pitch + ascent + descent


def draw(card: Card) -> bytes:
    """Draw the card as a 1200x630 PNG, the same bytes for the same card."""
    width = WIDTH - 2 * MARGIN
    texts = [(card.kicker, KICKER), (card.title, TITLE), (card.subtitle, SUBTITLE), (card.footer, FOOTER)]
    blocks = [_set(words, style, width) for text, style in texts if (words := _WORD.findall(nfc(text)))]
    total = sum(b.height for b in blocks) + sum(b.style.space_after for b in blocks[:-1])
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    top = PADDING + max(0, (HEIGHT - 2 * PADDING - total) // 2)
    for block in blocks:
        _paint(pen, block, top, card.direction)
        top += block.height + block.style.space_after
    out = io.BytesIO()
    # No text, time or physical-size chunks: Pillow writes them only when asked, and they would change the bytes.
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _paint(pen: ImageDraw.ImageDraw, block: _Block, top: int, direction: Literal["ltr", "rtl"]) -> None:
    """Draw a block's lines from top down, against the left margin or, right to left, the right one."""
    x, anchor = (WIDTH - MARGIN, "rs") if direction == "rtl" else (MARGIN, "ls")
    baseline = top + block.font.getmetrics()[0]
    for line in block.lines:
        # Anchored at the baseline, so letters of every height and diacritic line up from line to line.
        pen.text((x, baseline), line, font=block.font, fill=block.style.colour, anchor=anchor)
        baseline += block.pitch


def _set(words: list[str], style: _Style, width: int) -> _Block:
    """Set words in the largest size that needs no more than the style's lines; at the smallest, cut with "…"."""
    for size in style.sizes:
        font = _font(style.font, size)
        lines = _wrap(words, font, width, style.max_lines)
        if len(lines) <= style.max_lines:
            return _Block(font, lines, style)
    kept = lines[: style.max_lines]
    kept[-1] = _with_ellipsis(kept[-1], font, width)
    return _Block(font, kept, style)


def _wrap(words: list[str], font: ImageFont.FreeTypeFont, width: int, limit: int) -> list[str]:
    """Break words into lines no wider than width, greedily, stopping once there are more than limit lines."""
    lines: list[str] = []
    line = ""
    for word in _pieces(words, font, width):
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
            if len(lines) > limit:  # too many already: a smaller size is tried, and the rest is not measured
                return lines
        else:
            line = candidate
    return lines + [line] if line else lines


def _pieces(words: list[str], font: ImageFont.FreeTypeFont, width: int) -> Iterator[str]:
    """The words, with any word wider than a line (an address, a long compound) cut where the line ends."""
    for word in words:
        while font.getlength(word) > width:
            cut = max(1, _fitting(word, font, width))
            yield word[:cut]
            word = word[cut:]
        yield word


def _fitting(text: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """How many leading characters of text fit in width."""
    count = 0
    while count < len(text) and font.getlength(text[: count + 1]) <= width:
        count += 1
    return count


def _with_ellipsis(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """End a line with "…", dropping characters until it fits."""
    while line and font.getlength(line.rstrip() + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at a size, with Pillow's basic layout whether or not libraqm is installed (see the module's doc)."""
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
