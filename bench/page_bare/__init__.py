"""The bench's bare handler for the public resident page's order (bench/resident_page.py): the same Django
settings, middleware (CSRF included) and gunicorn, one view that only resolves the household and inserts the
same rows. Mounted only by the bench."""
