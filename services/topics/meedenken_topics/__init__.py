"""Meedenken topics service: organisations, topics on the participation ladder, statements,
reactions and agenda proposals."""
