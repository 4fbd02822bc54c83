# Imported by a message handler: shows which interpreter it ran in.
