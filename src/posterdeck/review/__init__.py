"""The review pack: what medical, legal and regulatory reviewers approve.

items.py collects, from a target's composed documents, every claim, number, citation, footnote
and market statement on each page or slide, with where it stands and what it rests on;
approvals.py keeps what was approved (data/<deck>/approvals.yaml) as fingerprints and marks
what changed since; pack/ writes review.pdf and review.html from both.
"""
