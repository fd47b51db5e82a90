GRANTS = {
    "manager": ("stat_reports.view_statforms",),
    "auditor": ("stat_reports.view_statforms",),
}
