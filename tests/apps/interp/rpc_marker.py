# Imported by an RPC function: shows which interpreter it ran in.
