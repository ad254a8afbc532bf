"""Closer Together's offline front end: audio in and out, recognition, speech, the hands-free loop."""
