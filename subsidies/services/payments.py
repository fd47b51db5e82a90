"""Services: payments."""
