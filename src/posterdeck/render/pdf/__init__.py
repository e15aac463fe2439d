from posterdeck.render.pdf.painter import chart_specs, render_pdf

__all__ = ["chart_specs", "render_pdf"]
