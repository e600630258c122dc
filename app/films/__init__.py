"""Films: the one import pipeline (register, complete, place into the library), events, recorded
takes, relinking."""
