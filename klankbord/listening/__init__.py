"""Listening: monitors that pick up mentions of a business, its products and its town."""
