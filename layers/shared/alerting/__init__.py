"""Alerting: check results in, Uptrends-style alerts out, delivered to StatusHub and other integrations."""
