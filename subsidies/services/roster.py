"""Services: roster."""
