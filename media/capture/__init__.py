"""Live capture: cameras and microphones into a crash-safe recorder."""
