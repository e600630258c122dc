"""The Codebook panel."""
