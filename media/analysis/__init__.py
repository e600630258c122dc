"""One pass over a film's packets for the timeline: thumbnail strips, waveform peaks and exact
timing."""
