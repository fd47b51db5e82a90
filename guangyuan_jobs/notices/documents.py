"""Rendering a formal notice as a PDF: its words from a Django template (notices/documents/<kind>.txt), laid
out with reportlab in a Chinese TrueType font from the system's packages (fonts-wqy-zenhei and the like,
installed by bin/install-fonts), with a QR code of the case reference.

Template lines: "# " starts the title, "- " a listed item, any other line a paragraph, "> " a line set right
(the issuing unit and date). Texts are escaped here, so an applicant's name or a reason cannot inject markup.
"""

import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from guangyuan_jobs.core.errors import ApplicationError

logger = logging.getLogger(__name__)

FONT_NAME = "NoticeCJK"
# TrueType-outline CJK fonts of Debian's packages, best first. Noto CJK ships CFF outlines, which reportlab
# cannot embed, so it is not a candidate. settings.NOTICE_FONT_PATH, when set, is tried first.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
QR_MODULE = 1.6 * mm


class NoticeFontMissing(ApplicationError):
    """No Chinese font is installed: the notice cannot be printed. Not a bug of the request."""

    http_status = 503
    default_code = "notice_font_missing"


@lru_cache(maxsize=1)
def _registered_font() -> str:
    candidates = [getattr(settings, "NOTICE_FONT_PATH", ""), *FONT_CANDIDATES]
    for path in filter(None, candidates):
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
        except (TTFError, OSError) as exc:
            logger.warning("Font %s cannot be used for notices: %s", path, exc)
            continue
        return FONT_NAME
    raise NoticeFontMissing(_("No Chinese font is installed on the server, so the notice cannot be printed. "
                              "An administrator should run `make browser-deps` (it installs fonts-wqy-zenhei), "
                              "then issue the notice again."))


def font_available() -> bool:
    try:
        _registered_font()
    except NoticeFontMissing:
        return False
    return True


class QrCode(Flowable):
    """The dark modules of a QR code as filled squares (no image library needed)."""

    def __init__(self, text: str, module: float = QR_MODULE):
        super().__init__()
        code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(text)
        code.make(fit=True)
        self.matrix = code.get_matrix()
        self.module = module
        self.width = self.height = len(self.matrix) * module
        self.hAlign = "RIGHT"

    def draw(self):
        size = len(self.matrix)
        for row, cells in enumerate(self.matrix):
            for col, dark in enumerate(cells):
                if dark:
                    self.canv.rect(col * self.module, (size - 1 - row) * self.module, self.module, self.module,
                                   stroke=0, fill=1)


@dataclass(frozen=True)
class DocumentText:
    title: str
    lines: list[tuple[str, str]]  # (style, text)


def document_text(kind: str, context: dict) -> DocumentText:
    """The notice's words, from its template, as (style, text) lines."""
    title, lines = "", []
    for raw in render_to_string(f"notices/documents/{kind}.txt", context).splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("- "):
            lines.append(("item", line[2:].strip()))
        elif line.startswith("> "):
            lines.append(("right", line[2:].strip()))
        else:
            lines.append(("body", line))
    return DocumentText(title=title, lines=lines)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", firstLineIndent=24,
                          spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER,
                                firstLineIndent=0, spaceAfter=6),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=14),
        "body": base,
        "item": ParagraphStyle("item", parent=base, firstLineIndent=0, leftIndent=24, bulletIndent=10),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
    }


def render_pdf(*, text: DocumentText, number: str, qr_text: str, subject: str) -> bytes:
    """The PDF bytes of one notice. Raises NoticeFontMissing when no Chinese font is installed."""
    font = _registered_font()
    styles = _styles(font)
    story: list = [Paragraph(escape(text.title), styles["title"]), Paragraph(escape(number), styles["number"])]
    for style, line in text.lines:
        if style == "right" and story and not isinstance(story[-1], Spacer) and story[-1].style.name != "right":
            story.append(Spacer(1, 10 * mm))
        bullet = "•" if style == "item" else None
        story.append(Paragraph(escape(line), styles[style], bulletText=bullet))
    story += [Spacer(1, 8 * mm), QrCode(qr_text)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=20 * mm, title=f"{text.title} {number}", subject=subject,
                            author="广元市就业创业促进中心", creator="guangyuan_jobs", invariant=True)
    doc.build(story)
    return buffer.getvalue()
