"""The map part of the command centre: what it adds to the platform."""
