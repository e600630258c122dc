"""The breakfast review: audience screen, presenter view, Reviews panel, summary PDF."""
