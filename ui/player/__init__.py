"""The player: playback, exact paused frames, the video view and the transport bar."""
