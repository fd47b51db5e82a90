"""Every write of notices and notifications: one function per business action, atomic, audited."""
