"""Anonymisation on this machine: faces found and covered frame by frame (``faces``), in a
stream between a decoder and the encoder (``stream``), and voices pitch-shifted (``voice``)."""
