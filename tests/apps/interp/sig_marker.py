# Imported by a signal handler: shows which interpreter it ran in.
