"""Masking of personal identifiers, done on the server (RELIABILITY.md: masking decisions)."""

import logging
import re


def mask_id_number(value: str | None) -> str:
    """`510802199001011236` -> `510802********1236`: first 6 and last 4 kept."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`13800138000` -> `138****8000`."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str | None) -> str:
    """First 6 and last 4 digits kept."""
    return mask_id_number(value)


def mask_name(value: str | None) -> str:
    """For public notices: `张三丰` -> `张*丰`, `李四` -> `李*`."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


# 18-character resident ID numbers (17 digits and a digit or X), not inside a longer run of digits.
_ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_id_numbers_in_text(text: str) -> str:
    return _ID_NUMBER_RE.sub(lambda m: m.group(1) + "********" + m.group(2)[-4:], text)


class MaskPiiLogFilter(logging.Filter):
    """Logs never hold a full ID number, whatever a caller passes in."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
