"""Engine: run the stages over many notices, in chunks on all cores, into one output layout."""
