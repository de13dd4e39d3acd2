"""The config API's services: one facade (`ConfigApi`) with one method per route, and its error wording."""
