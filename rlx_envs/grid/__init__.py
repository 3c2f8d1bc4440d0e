"""MiniMontezuma: level format, rules, observations, rendering, procedural levels."""
