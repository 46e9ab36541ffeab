"""Read: find the notices in files and folders and decode every format into one text."""
