"""The write path: fetching, feeds, files, text cleaning, chunking and the ingest pipeline."""
