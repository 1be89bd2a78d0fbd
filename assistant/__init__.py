"""newsdesk domain core and read path: types, settings, errors, search and the CLI."""
