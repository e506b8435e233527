"""Text for X: weighted length, post templates, thread splitting, transcripts."""
