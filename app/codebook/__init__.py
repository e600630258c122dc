"""The codebook: tags of kind challenge, opportunity or theme, and the whole codebook to and from
CSV or JSON."""
