"""Every write of the training programme: one function per business action, atomic, audited, taking `actor`."""
