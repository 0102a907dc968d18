"""Checking what the site says against what ran: outputs, prose numbers, the pytest plugin, the bench."""
