"""Meedenken votes service: answers to statements with live tallies, supports for agenda proposals."""
