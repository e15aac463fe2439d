"""Target choice, placeholders, citations, footnotes, glossary: everything resolved once, before layout."""
