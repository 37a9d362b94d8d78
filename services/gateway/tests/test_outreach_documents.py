"""The outreach documents from a topic, without the platform: the share image's size and title
wrapping, the leaflets' page sizes and the press text's contents."""
import io
from datetime import date

import pypdf
from PIL import Image, ImageDraw, ImageFont

from meedenken_gateway import outreach

TOPIC = {"id": "a" * 24, "title": "Een nieuw park aan de Vliet", "summary": "Hoe moet het eruitzien?",
         "body": "Het oude bedrijventerrein wordt een park.", "phase": "advise"}


def test_the_share_image_is_1200_by_630_whatever_the_title():
    for title in ("Kort", "Een heel lange titel " * 20, "Donaudampfschifffahrtsgesellschaftskapitänswitwe" * 3):
        png = outreach.share_image("Gemeente Zonnedal", title, "Denk mee op meedenken.example", (1, 104, 155),
                                   (255, 255, 255))
        assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_long_titles_wrap_and_end_in_an_ellipsis_when_cut():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = ImageFont.truetype(str(outreach.BOLD), 60)
    lines, cut = outreach._wrap(draw, "woord " * 100, font, 1000, 4)
    assert len(lines) == 4 and cut and lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= 1000 for line in lines)
    lines, cut = outreach._wrap(draw, "Een park", font, 1000, 4)
    assert lines == ["Een park"] and not cut


def test_the_flyer_is_a5_and_the_poster_a3():
    for make, size in ((outreach.flyer, (420, 595)), (outreach.poster, (842, 1191))):
        page = pypdf.PdfReader(io.BytesIO(make("Gemeente Zonnedal", TOPIC, "https://x.example/o?via=flyer", None,
                                                {}))).pages[0]
        assert (round(float(page.mediabox[2])), round(float(page.mediabox[3]))) == size
        assert "Een nieuw park aan de Vliet" in " ".join(page.extract_text().split())


def test_the_press_text_says_what_why_how_until_when_and_where():
    text = outreach.press_text("Gemeente Zonnedal", TOPIC, "https://x.example/o?via=krant", date(2031, 3, 15),
                               date(2026, 11, 2))
    assert text.startswith("# Een nieuw park aan de Vliet")
    for part in ("Het oude bedrijventerrein", "draag zelf oplossingen aan", "tot en met 15 maart 2031",
                 "sinds 2 november 2026", "<https://x.example/o?via=krant>"):
        assert part in text, part
