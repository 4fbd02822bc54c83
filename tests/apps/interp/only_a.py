# Imported by app_a only: a marker in sys.modules.
