"""The Streamlit app (chat, facts, library pages); it calls the same functions as the CLI."""
