"""Services: outreach."""
