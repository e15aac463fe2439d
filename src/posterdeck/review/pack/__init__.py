"""The review pack of one target: review.pdf and review.html (see pdf.py and html.py)."""
from __future__ import annotations

from posterdeck.review.items import TargetReview

NAMES = ("review.pdf", "review.html")


def write_pack(review: TargetReview, docs: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """review.pdf and review.html for ``review``, showing the pages of the built ``files``
    (poster-screen.pdf or poster.pdf, deck.pdf) whose page models are ``docs``. Needs pdftoppm
    (MissingToolError, exit 3, when it is missing)."""
    from posterdeck.review.pack.common import Pictures
    from posterdeck.review.pack.html import write_html
    from posterdeck.review.pack.pdf import write_pdf

    pictures = Pictures.of(review, docs, files)
    return {"review.pdf": write_pdf(review, docs, files, pictures),
            "review.html": write_html(review, docs, files, pictures).encode("utf-8")}
