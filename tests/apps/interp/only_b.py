# Imported by app_b only: a marker in sys.modules.
