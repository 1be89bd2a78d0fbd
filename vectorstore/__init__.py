"""The stores: SQL catalog of articles and passages, Chroma passage index, embedding backends."""
