from posterdeck.render.pptx.painter import render_pptx

__all__ = ["render_pptx"]
