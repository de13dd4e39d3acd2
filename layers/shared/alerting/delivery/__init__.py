"""Delivery: the queue between evaluator and senders, the HTTP exchange, and one module per integration."""
