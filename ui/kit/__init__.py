"""What every panel uses: the library bridge, the operation runner and workers, errors, progress,
save dialogs, status-bar wording."""
