"""The config API's routes, one Powertools Router per resource; each route calls one facade method."""
