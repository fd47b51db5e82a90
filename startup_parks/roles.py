"""The park permissions the kernel roles gain: the reviewer scores certification applications (评审), the
approver decides them (审批, never the same person for one application), the data-entry clerk registers parks
and records their firms and jobs; managers and auditors read. A park's operator acts through its enterprise
applicant account (its own parks only)."""

GRANTS = {
    "entry": ("startup_parks.view_park", "startup_parks.add_park", "startup_parks.record_park_activity"),
    "reviewer": ("startup_parks.view_park", "startup_parks.evaluate_park"),
    "approver": ("startup_parks.view_park", "startup_parks.decide_certification"),
    "manager": ("startup_parks.view_park",),
    "auditor": ("startup_parks.view_park",),
}
