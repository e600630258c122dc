"""Reading a film file: what it holds (probe), its exact timing and frame index, exact frames,
orientation, when it was recorded."""
