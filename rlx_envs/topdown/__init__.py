"""Top-down gridworlds for tabular transfer: an open room, a corridor and a maze in one frame."""
