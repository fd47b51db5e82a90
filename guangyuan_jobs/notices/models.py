"""Formal notices (受理通知书 and the rest, as PDF) and notifications (SMS and in-portal messages)."""
