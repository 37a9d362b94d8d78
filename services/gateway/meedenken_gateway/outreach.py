"""What a communication team takes to social media, print and the local paper, generated from a
topic: the share image (PNG 1200×630), the flyer (A5) and poster (A3) with a QR code, and a press
text in Markdown. Plain functions of their inputs, no I/O. Dutch: these go out under the
organisation's name.

Fonts: Bitstream Vera, shipped inside the pinned reportlab package, for the image and the PDFs
alike, so no system font is needed."""
import functools
import io
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
import segno
from PIL import Image, ImageColor, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A3, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph

from .feeds import PHASE_NL

FONTS = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = FONTS / "Vera.ttf", FONTS / "VeraBd.ttf"
SHARE_SIZE = (1200, 630)
DEFAULT_COLOURS = ("#1d3f74", "#ffffff")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
HOW = {  # how a citizen takes part, by phase
    "inform": "Lees wat er speelt en volg het onderwerp: u krijgt bericht zodra u kunt meedenken.",
    "consult": "Geef uw mening over de stellingen (eens, oneens of overslaan), reageer, en stel zelf een "
               "stelling voor.",
    "advise": "Geef uw mening over de stellingen, reageer, en draag zelf oplossingen aan.",
    "co_create": "Werk mee aan de oplossingen: draag ze aan, geef ze steun en reageer op elkaars ideeën.",
    "co_decide": "Stem mee over de oplossingen en geef uw mening over de stellingen.",
    "decided": "Lees wat er is besloten en wat er met de inbreng van inwoners is gedaan.",
    "closed": "Lees wat er met dit onderwerp is gebeurd.",
    "draft": "Dit onderwerp is nog niet gepubliceerd.",
}
_pdf_fonts = []


def dutch_date(value):
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def colours(theme):
    """(background, text) from the organisation's theme; its house colours when Pillow reads them."""
    try:
        return (ImageColor.getrgb(theme["primary_color"]), ImageColor.getrgb(theme["primary_text_color"]))
    except (KeyError, TypeError, ValueError):
        return tuple(ImageColor.getrgb(c) for c in DEFAULT_COLOURS)


def _wrap(draw, text, font, width, max_lines):
    """(lines no wider than ``width`` pixels, whether text was cut off); a cut ends in "…"."""
    def fits(line):
        return draw.textlength(line, font=font) <= width
    words = []
    for word in text.split():
        while not fits(word):  # a word wider than the line is broken where it must
            cut = max(n for n in range(1, len(word)) if fits(word[:n]) or n == 1)
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    lines = []
    for word in words:
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) <= max_lines:
        return lines, False
    last = lines[max_lines - 1]
    while last and not fits(last + " …"):
        last = last[:-1]
    return lines[:max_lines - 1] + [last.rstrip() + " …"], True


@functools.lru_cache(maxsize=64)
def share_image(org_name, title, footer, background, foreground):
    """PNG bytes, 1200×630: the organisation's name, the title (as large as fits in four lines)."""
    image = Image.new("RGB", SHARE_SIZE, background)
    draw = ImageDraw.Draw(image)
    margin = 72
    width = SHARE_SIZE[0] - 2 * margin
    draw.text((margin, margin), org_name, font=ImageFont.truetype(str(BOLD), 40), fill=foreground)
    draw.rectangle((margin, margin + 64, margin + 120, margin + 72), fill=foreground)
    for size in (72, 60, 50, 42):
        font = ImageFont.truetype(str(BOLD), size)
        lines, cut = _wrap(draw, title, font, width, 4)
        if not cut:
            break
    top = margin + 110
    for number, line in enumerate(lines):
        draw.text((margin, top + number * int(size * 1.25)), line, font=font, fill=foreground)
    draw.text((margin, SHARE_SIZE[1] - margin - 32), footer, font=ImageFont.truetype(str(REGULAR), 32),
              fill=foreground)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _register_pdf_fonts():
    if not _pdf_fonts:
        pdfmetrics.registerFont(TTFont("Vera", str(REGULAR)))
        pdfmetrics.registerFont(TTFont("Vera-Bold", str(BOLD)))
        _pdf_fonts.append(True)


def _qr(pdf, url, x, y, size):
    """The QR code as vector squares (sharp at any print size), with its quiet zone."""
    matrix = list(segno.make_qr(url, error="m").matrix_iter(scale=1, border=4))
    module = size / len(matrix)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for row_number, row in enumerate(matrix):
        for col_number, dark in enumerate(row):
            if dark:
                pdf.rect(x + col_number * module, y + size - (row_number + 1) * module, module, module,
                         stroke=0, fill=1)


def leaflet(pagesize, org_name, topic, url, until, theme):
    """A flyer (A5) or poster (A3): the same layout, scaled to the page."""
    _register_pdf_fonts()
    width, height = pagesize
    scale = width / A5[0]
    margin = 14 * mm * scale
    background, foreground = (tuple(c / 255 for c in colour) for colour in colours(theme))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=pagesize)
    pdf.setTitle(topic["title"])
    pdf.setAuthor(org_name)
    pdf.setSubject("Denk mee: " + topic["summary"])
    band = 30 * mm * scale
    pdf.setFillColorRGB(*background)
    pdf.rect(0, height - band, width, band, stroke=0, fill=1)
    pdf.setFillColorRGB(*foreground)
    pdf.setFont("Vera-Bold", 16 * scale)
    pdf.drawString(margin, height - band / 2 - 6 * scale, org_name)
    pdf.setFont("Vera", 11 * scale)
    pdf.drawRightString(width - margin, height - band / 2 - 4 * scale, "denkt mee")
    style = ParagraphStyle("body", fontName="Vera", fontSize=10.5 * scale, leading=14.5 * scale)
    heading = ParagraphStyle("title", fontName="Vera-Bold", fontSize=22 * scale, leading=27 * scale,
                             spaceAfter=8 * scale)
    subheading = ParagraphStyle("sub", fontName="Vera-Bold", fontSize=12.5 * scale, leading=16 * scale,
                                spaceBefore=8 * scale, spaceAfter=3 * scale)
    qr_size = 42 * mm * scale
    story = [Paragraph(escape(topic["title"]), heading), Paragraph(escape(topic["summary"]), style),
             Paragraph("Zo doet u mee", subheading), Paragraph(escape(HOW.get(topic["phase"], HOW["inform"])), style)]
    if until:
        story.append(Paragraph(escape(f"Meedenken kan tot en met {dutch_date(until)}."), style))
    story += [Paragraph("Scan de code of ga naar", subheading), Paragraph(escape(url), style)]
    frame_bottom = margin + qr_size + 6 * mm * scale
    Frame(margin, frame_bottom, width - 2 * margin, height - band - margin / 2 - frame_bottom,
          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0).addFromList(story, pdf)
    _qr(pdf, url, width - margin - qr_size, margin, qr_size)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Vera", 9 * scale)
    pdf.drawString(margin, margin + 4 * scale, f"Een onderwerp van {org_name}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def flyer(org_name, topic, url, until, theme):
    return leaflet(A5, org_name, topic, url, until, theme)


def poster(org_name, topic, url, until, theme):
    return leaflet(A3, org_name, topic, url, until, theme)


def press_text(org_name, topic, url, until, published):
    """A ready text for the local paper (Markdown): what, why, how and until when, where."""
    phase = PHASE_NL.get(topic["phase"], topic["phase"])
    body = "\n\n".join(p.strip() for p in (topic.get("body") or "").split("\n\n") if p.strip())
    when = (f"Meedenken kan tot en met {dutch_date(until)}." if until else
            "Meedenken kan zolang het onderwerp in deze fase is; wie het onderwerp volgt, krijgt bericht bij "
            "elke volgende stap.")
    lines = [
        f"# {topic['title']}",
        "",
        f"*Persbericht van {org_name}*",
        "",
        f"**{org_name} vraagt inwoners mee te denken over ‘{topic['title']}’.** {topic['summary']}",
        "",
        "## Waarom",
        "",
        body or topic["summary"],
        "",
        "## Zo doet u mee",
        "",
        f"Het onderwerp staat sinds {dutch_date(published)} op Meedenken, het participatieplatform van "
        f"{org_name}, en is nu in de fase *{phase}*. {HOW.get(topic['phase'], HOW['inform'])}",
        "",
        "## Tot wanneer",
        "",
        when,
        "",
        "## Waar",
        "",
        f"Alles over het onderwerp, en de plek om mee te denken: <{url}>",
        "",
        "---",
        "",
        f"*Noot voor de redactie: deze tekst is gemaakt op {dutch_date(date.today())} uit het onderwerp op "
        f"Meedenken. Het adres hierboven telt bezoeken via de krant (zonder persoonsgegevens).*",
        "",
    ]
    return "\n".join(lines)


def parse_date(value):
    """The calendar day (Europe/Amsterdam is close enough for a press text: UTC) of an RFC 3339 time."""
    return date.fromisoformat(str(value)[:10])
