"""Shipped content: procedure protocols, source list, example clinic profiles (package data)."""
