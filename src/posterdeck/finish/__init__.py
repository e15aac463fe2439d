"""Post-processing of written PDFs (PDF/X keys, colour conversion) and the independent preflight."""
