"""The command line: the same core as the window (docs/design.md has the contract).

``main`` runs one command; ``grammar`` holds the global options and the checks on values;
``output`` prints records and failures; each other module registers one group of commands
(``register(commands)``) and holds the functions that run them.
"""
