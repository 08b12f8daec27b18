"""The core's own tests, in a minimal Django project (settings.py); `manage_all.py test` runs them."""
