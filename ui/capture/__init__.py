"""The Record view and the capture devices it uses."""
