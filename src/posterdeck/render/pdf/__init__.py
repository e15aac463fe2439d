from posterdeck.render.pdf.painter import render_pdf

__all__ = ["render_pdf"]
