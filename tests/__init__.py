"""Tests for the kg package."""
