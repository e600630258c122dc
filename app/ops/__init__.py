"""One module per feature. Every change goes through ``Library.op`` so it is committed at
once, journalled for undo and reported to the views."""
