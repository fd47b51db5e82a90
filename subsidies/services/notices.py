"""Services: notices."""
