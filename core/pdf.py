"""PDF rendering with WeasyPrint and the Japanese font the project ships.

WeasyPrint silently drops glyphs it has no font for, so every document names the shipped
IPAexGothic TTF by an absolute file URL, on the body and on the @page margin boxes.
Renders run in a Celery worker on the `pdf` queue (one at a time) or inline for a
single small document; callers check the PDF's text in tests (pdftotext / pypdf).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONT_FAMILY = "MirasapoGothic"


def font_css() -> str:
    font_path = (settings.FONT_DIR / "ipaexg.ttf").resolve()
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("file://{font_path}") format("truetype"); }}\n'
        f'html, body {{ font-family: "{FONT_FAMILY}", sans-serif; }}\n'
        f'@page {{ size: A4; margin: 20mm 16mm 22mm;\n'
        f'  @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "{FONT_FAMILY}"; font-size: 9pt; }} }}\n'
    )


def render_pdf(template_name: str, context: dict[str, Any], *, base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template_name, context)
    # The @font-face rule only loads when the same FontConfiguration is given to the
    # stylesheet and to write_pdf; without it WeasyPrint falls back to a system font
    # and renders every Japanese glyph as .notdef (seen with WeasyPrint 70).
    font_config = FontConfiguration()
    stylesheet = CSS(string=font_css(), font_config=font_config)
    pdf: bytes = HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet], font_config=font_config
    )
    return pdf
