"""core.pdf embeds the shipped Japanese font: WeasyPrint otherwise falls back to a system
font without CJK glyphs and draws every Japanese character as .notdef, silently."""

from __future__ import annotations

import subprocess

from core.pdf import render_pdf


def test_pdf_embeds_the_shipped_font_and_keeps_japanese_text(tmp_path, settings):
    template_dir = tmp_path / "templates"
    template_dir.mkdir()
    (template_dir / "probe.html").write_text("<html><body><p>財務情報と申請事業内容 {{ value }}</p></body></html>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]
    pdf = render_pdf("probe.html", {"value": "株式会社テスト"})
    path = tmp_path / "probe.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    assert "MirasapoGothic" in fonts, fonts
    assert "DejaVu" not in fonts, fonts
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "財務情報と申請事業内容 株式会社テスト" in text
