"""Services: claims."""
