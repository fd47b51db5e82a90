"""Pluggable SMS gateways. settings.SMS_GATEWAY names the class; `send_sms` is the one way to send.

A real gateway (a carrier or cloud SMS API) subclasses `SmsGateway` and implements `send`.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from guangyuan_jobs.core.masking import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class SmsGateway:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsGateway(SmsGateway):
    """The demo's gateway: the message goes to the log, with the phone number masked."""

    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", mask_phone(message.phone), message.text)


class LocmemSmsGateway(SmsGateway):
    """For tests: messages collect in `LocmemSmsGateway.outbox`, like Django's locmem mail backend."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        type(self).outbox.append(message)


@lru_cache(maxsize=4)
def _gateway(dotted_path: str) -> SmsGateway:
    return import_string(dotted_path)()


def send_sms(phone: str, text: str) -> None:
    _gateway(settings.SMS_GATEWAY).send(SmsMessage(phone=phone, text=text))
