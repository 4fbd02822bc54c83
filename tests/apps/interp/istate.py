# Module-level state: which app imported it first, and a hit counter.
owner = None
hits = 0
