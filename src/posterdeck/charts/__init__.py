"""Charts from a resolved chart spec: vector PDF via matplotlib, native PowerPoint charts via python-pptx."""
