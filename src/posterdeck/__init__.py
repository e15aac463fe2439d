"""posterdeck: one data model -> print-ready congress posters and PowerPoint decks."""

__version__ = "0.1.0"
