"""A real SMS gateway for accounts.sms: an HTTP JSON API of a carrier or a cloud SMS service.

settings.SMS_GATEWAY = "guangyuan_jobs.notices.gateways.HttpSmsGateway", with SMS_HTTP_URL, SMS_HTTP_TOKEN
(sent as a bearer token), SMS_HTTP_SIGN (the registered signature, e.g. 【广元就业】) and SMS_HTTP_TIMEOUT
(seconds) from the environment. The request is {"phone", "text", "sign"}; any 2xx answer whose JSON body, if
any, does not say "ok": false is a success. Anything else raises SmsDeliveryError, and the notification is
tried again later.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from guangyuan_jobs.accounts.sms import SmsGateway, SmsMessage
from guangyuan_jobs.core.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    pass


class HttpSmsGateway(SmsGateway):
    def __init__(self):
        self.url = getattr(settings, "SMS_HTTP_URL", "")
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SMS_HTTP_URL must be set to the gateway's http(s) URL")
        self.token = getattr(settings, "SMS_HTTP_TOKEN", "")
        self.sign = getattr(settings, "SMS_HTTP_SIGN", "")
        self.timeout = float(getattr(settings, "SMS_HTTP_TIMEOUT", 10))

    def send(self, message: SmsMessage) -> None:
        body = json.dumps({"phone": message.phone, "text": message.text, "sign": self.sign},
                          ensure_ascii=False).encode()
        # The URL comes from settings and is checked to be http(s) above.
        request = urllib.request.Request(self.url, data=body, method="POST", headers={  # noqa: S310
            "Content-Type": "application/json; charset=utf-8",
            **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (URL from settings)
                answer = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise SmsDeliveryError(f"gateway answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsDeliveryError(f"gateway unreachable: {exc}") from exc
        if answer:
            try:
                result = json.loads(answer)
            except ValueError:
                result = {}
            if isinstance(result, dict) and result.get("ok") is False:
                raise SmsDeliveryError(f"gateway refused: {str(result.get('error', ''))[:100]}")
        logger.info("SMS to %s accepted by the gateway", mask_phone(message.phone))
