"""Foundations every tier may use: argument checks and running statistics.

The lowest tier: it imports nothing of ours.
"""
