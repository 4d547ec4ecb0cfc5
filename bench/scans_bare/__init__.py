"""The bench's bare handler for entrance scans (bench/checkpoint_scans.py): the same Django settings,
middleware and gunicorn, one view that only inserts the rows it is given. Mounted only by the bench."""
