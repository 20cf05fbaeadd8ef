"""The social card: a 1200x630 PNG drawn by Pillow from the event's texts, the same bytes every time."""

import io
import os
import struct
import subprocess
import sys
import unicodedata

import pytest
from PIL import Image, ImageChops, ImageFont

from conftest import ROOT
from microsite.card import BACKGROUND, BOLD, HEIGHT, MARGIN, PADDING, WIDTH, Card, draw

VI = Card("Hà Nội · 14.04.2023", "Thành phố thông minh – Số hóa", "Ville intelligente", "Đà Nẵng · Nevers", "vi")
FR = Card("Hanoï · 14.04.2023", "Ville intelligente – Numérisation", "Thành phố thông minh", "Đà Nẵng · Nevers", "fr")


def title_only(title, direction="ltr"):
    """A card that says nothing but its title, so that all its ink is the title's."""
    return Card("", title, "", "", "vi", direction)


def ink(png):
    """The image's difference from a blank card: black where nothing is drawn."""
    image = Image.open(io.BytesIO(png))
    return ImageChops.difference(image.convert("RGB"), Image.new("RGB", image.size, BACKGROUND))


def lines(png):
    """The drawn rows grouped in bands, top to bottom: one band per line of text without diacritics."""
    diff = ink(png)
    rows = [diff.crop((0, y, WIDTH, y + 1)).getbbox() is not None for y in range(HEIGHT)]
    bands, start = [], None
    for y, inked in enumerate(rows + [False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            bands.append((start, y))
            start = None
    return bands


def chunks(png):
    """The PNG's chunk types, in order."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    types, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        types.append(png[at + 4 : at + 8].decode("ascii"))
        at += 12 + length
    return types


def test_the_card_is_a_1200x630_png():
    image = Image.open(io.BytesIO(draw(VI)))
    assert (image.format, image.size, image.mode) == ("PNG", (1200, 630), "RGB")


def test_the_same_card_is_the_same_bytes_in_another_process_and_holds_no_metadata():
    """No time or text chunk, nothing that depends on the run: a rebuilt site keeps its card byte for byte."""
    script = (
        "import sys; from microsite.card import Card, draw; "
        "sys.stdout.buffer.write(draw(Card('Hà Nội · 14.04.2023', 'Thành phố thông minh – Số hóa', "
        "'Ville intelligente', 'Đà Nẵng · Nevers', 'vi')))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True).stdout
    png = draw(VI)
    assert png == draw(VI) == other
    assert set(chunks(png)) == {"IHDR", "IDAT", "IEND"}


@pytest.mark.parametrize(("letter", "bare"), [("ỗ", "o"), ("ự", "u"), ("ằ", "a"), ("Đ", "D"), ("Ữ", "U"), ("ç", "c")])
def test_vietnamese_and_french_letters_are_drawn_with_their_diacritics(letter, bare):
    drawn = draw(title_only(letter))
    assert ink(drawn).getbbox() is not None, f"{letter} is drawn as a blank: the font lacks it"
    assert drawn != draw(title_only(bare)), f"{letter} is drawn like {bare}: its diacritics are lost"


def test_a_letter_the_font_lacks_is_a_blank_not_an_error():
    """Chinese and emoji are outside the font: drawn as its empty .notdef, the rest of the title as usual."""
    assert ink(draw(title_only("中😀"))).getbbox() is None
    assert ink(draw(title_only("中 Đà Nẵng"))).getbbox() is not None


def test_a_decomposed_title_is_drawn_as_its_composed_form():
    """Text typed on a Mac can arrive decomposed (NFD); the font's precomposed letters are the ones drawn."""
    title = "Thành phố Hồ Chí Minh, Đà Nẵng"
    assert unicodedata.normalize("NFD", title) != title
    assert draw(title_only(unicodedata.normalize("NFD", title))) == draw(title_only(title))


@pytest.mark.parametrize(
    "title",
    [
        "Smart cities and the digital transition " * 5,  # 200 characters, 25 words
        "https://example.org/" + "x" * 180,  # 200 characters, one word wider than a line
    ],
)
def test_a_200_character_title_takes_three_lines_at_most(title):
    assert len(title) == 200
    assert 1 < len(lines(draw(title_only(title)))) <= 3


def test_every_text_at_its_longest_stays_inside_the_image():
    """A 200-character title, a long kicker, subtitle and footer: the outer margin stays empty."""
    title = "Thành phố thông minh – Số hóa, Đà Nẵng « Ville » "
    card = Card(
        "Hà Nội · 14.04.2023 · " * 8,
        (title * 5)[:200],
        "Ville intelligente – Numérisation " * 8,
        "Đà Nẵng · Hải Phòng · Hà Nội · Nevers · Le Havre " * 4,
        "vi",
    )
    left, top, right, bottom = ink(draw(card)).getbbox()
    assert left >= MARGIN // 2 and right <= WIDTH - MARGIN // 2
    assert top >= PADDING // 2 and bottom <= HEIGHT - PADDING // 2


def test_each_language_gets_its_own_title():
    assert draw(VI) != draw(FR)
    assert draw(title_only(VI.title)) != draw(title_only(FR.title))


def test_right_to_left_text_is_right_aligned():
    """Only alignment: Pillow's basic layout neither reorders nor shapes (see microsite/card.py)."""
    left_to_right = ink(draw(title_only("Ville"))).getbbox()
    right_to_left = ink(draw(title_only("Ville", "rtl"))).getbbox()
    assert abs(left_to_right[0] - MARGIN) < 10 and left_to_right[2] < WIDTH / 2
    assert abs(right_to_left[2] - (WIDTH - MARGIN)) < 10 and right_to_left[0] > WIDTH / 2


def test_a_line_never_breaks_at_a_no_break_space():
    """French spacing ties « : » and the like to their word: the line breaks before the word, not the sign."""
    font = ImageFont.truetype(str(BOLD), 76, layout_engine=ImageFont.Layout.BASIC)
    width = WIDTH - 2 * MARGIN
    words = "l"
    while font.getlength(words + "\u202f»") <= width:
        words += " l"  # narrower than "\u202f»": the words alone still fit on one line
    assert font.getlength(words) <= width  # so a break at the no-break space would leave "»" alone
    png = draw(title_only(words + "\u202f»"))
    bands = lines(png)
    assert len(bands) == 2
    left, _, right, _ = ink(png).crop((0, bands[1][0], WIDTH, bands[1][1])).getbbox()
    sign, _, sign_right, _ = ink(draw(title_only("»"))).getbbox()
    assert right - left > sign_right - sign + 20, "the second line is the sign alone"
