"""The permissions notices adds to the kernel's roles."""

VIEW_NOTICE = "notices.view_notice"
ISSUE_NOTICE = "notices.issue_notice"
VIEW_NOTIFICATION = "notices.view_notification"

GRANTS = {
    "intake": (VIEW_NOTICE, ISSUE_NOTICE, VIEW_NOTIFICATION),
    "entry": (VIEW_NOTICE,),
    "archive": (VIEW_NOTICE,),
    "reviewer": (VIEW_NOTICE, ISSUE_NOTICE, VIEW_NOTIFICATION),
    "approver": (VIEW_NOTICE, ISSUE_NOTICE, VIEW_NOTIFICATION),
    "finance": (VIEW_NOTICE, VIEW_NOTIFICATION),
    "manager": (VIEW_NOTICE, VIEW_NOTIFICATION),
    "auditor": (VIEW_NOTICE, VIEW_NOTIFICATION),
    "admin": ("notices.view_messagetemplate", "notices.change_messagetemplate", VIEW_NOTIFICATION),
}
