import base64
import io
import time

import qrcode
import qrcode.image.svg
from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from guangyuan_jobs.accounts import selectors, services
from guangyuan_jobs.accounts.forms import (
    EnterpriseRegistrationForm,
    LockoutFilterForm,
    LoginForm,
    OtpTokenForm,
    PayeeAccountForm,
    PersonRegistrationForm,
    SmsLoginForm,
    StaffPasswordChangeForm,
    UnlockForm,
)
from guangyuan_jobs.accounts.models import SmsCode, User
from guangyuan_jobs.accounts.rules import normalise_phone
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.masking import mask_phone
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.services import person_set_bank_account

# --- sign-in and lockout --------------------------------------------------------------------------------------


# The applicant whose password was right and who still owes the SMS code: not signed in until they enter it.
SMS_LOGIN_SESSION_KEY = "accounts_sms_login"


def _sms_code_in_server_log() -> bool:
    # The demo texts nobody: its console gateway writes each message, code included, to the server log.
    return settings.DEMO_MODE and settings.SMS_GATEWAY.endswith(".ConsoleSmsGateway")


class AccountLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        cool_off = get_cool_off(self.request)
        return super().get_context_data(
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(cool_off.total_seconds() // 60) if cool_off else None,
            sms_login=settings.APPLICANT_SMS_LOGIN, sms_code_in_server_log=_sms_code_in_server_log(), **kwargs)

    def form_valid(self, form):
        """Password right: staff are signed in (TOTP follows), applicants are texted a code to enter first."""
        user = form.get_user()
        if not services.login_sms_required(user):
            return super().form_valid(form)
        try:
            services.login_sms_send(user=user, requested_ip=get_client_ip_address(self.request))
        except ApplicationError as exc:
            # A code texted a moment ago (a double click, a reload) is still the one to enter; the page says
            # when a new one can be asked for.
            if exc.code != "sms_too_soon":
                form.add_error(None, str(exc.message))
                return self.form_invalid(form)
            messages.info(self.request, str(exc.message))
        self.request.session.cycle_key()
        self.request.session[SMS_LOGIN_SESSION_KEY] = {
            "user": user.pk, "backend": user.backend, "next": self.get_success_url(),
            "until": time.time() + settings.SMS_CODE_TTL_MINUTES * 60,
        }
        return redirect("accounts:login_sms")


def login_sms(request):
    """Step two of an applicant's sign-in: the code texted to their phone (tries counted, one use, expiring)."""
    pending = request.session.get(SMS_LOGIN_SESSION_KEY) or {}
    user = None
    if pending.get("until", 0) > time.time():
        user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        request.session.pop(SMS_LOGIN_SESSION_KEY, None)
        messages.info(request, _("Your sign-in was not finished in time. Enter your password again."))
        return redirect("accounts:login")
    client_ip = get_client_ip_address(request)
    if request.method == "POST" and "resend" in request.POST:
        try:
            services.login_sms_send(user=user, requested_ip=client_ip)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            pending["until"] = time.time() + settings.SMS_CODE_TTL_MINUTES * 60
            request.session[SMS_LOGIN_SESSION_KEY] = pending
            messages.success(request, _("A new code was sent to %(phone)s.") % {"phone": mask_phone(user.phone)})
        return redirect("accounts:login_sms")
    form = SmsLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.login_sms_verify(user=user, code=form.cleaned_data["sms_code"], source_ip=client_ip)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            del request.session[SMS_LOGIN_SESSION_KEY]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
    return render(request, "accounts/login_sms.html", {
        "form": form, "phone_masked": mask_phone(user.phone), "minutes": settings.SMS_CODE_TTL_MINUTES,
        "sms_code_in_server_log": _sms_code_in_server_log(),
    }, status=400 if form.errors else 200)


# --- second factor ---------------------------------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not services.otp_confirmed_devices(request.user):
        return redirect(f"{resolve_url('accounts:otp_setup')}?{request.GET.urlencode()}")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            # A new privilege level gets a new session key.
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or was already used. Wait for the next code and try again."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def otp_setup(request):
    if request.user.is_verified() or services.otp_confirmed_devices(request.user):
        return redirect(f"{resolve_url('accounts:otp_verify')}?{request.GET.urlencode()}")
    device = services.otp_device_start(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.otp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        if confirmed is not None:
            request.session.cycle_key()
            otp_login(request, confirmed)
            messages.success(request, _("Your authenticator app is set up. You will need a code at each sign-in."))
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong. Check the time on your phone and try the next code."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "next": _next_url(request), "otpauth_uri": device.config_url,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret_groups": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


# --- own account ------------------------------------------------------------------------------------------------


class AccountPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StaffPasswordChangeForm

    def form_valid(self, form):
        services.user_password_change(user=self.request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect("accounts:profile")


@login_required
def profile(request):
    user = request.user
    context = {
        "roles": selectors.user_role_labels(user),
        "phone_masked": mask_phone(user.phone),
        "password_max_age_days": settings.STAFF_PASSWORD_MAX_AGE_DAYS,
    }
    if user.is_staff_member:
        context["otp_devices"] = services.otp_confirmed_devices(user)
        context["otp_required"] = settings.REQUIRE_STAFF_OTP
    if user.person_id:
        context["bank_form"] = PayeeAccountForm()
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def payee_account(request):
    """A person applicant records the social security card or bank account that subsidies are paid to."""
    person = request.user.person
    if person is None:
        return redirect("accounts:profile")
    form = PayeeAccountForm(request.POST)
    if form.is_valid():
        try:
            person_set_bank_account(person=person, bank_name=form.cleaned_data["bank_name"],
                                    account=form.cleaned_data["account"], actor=request.user)
        except ValidationError as exc:
            form.add_error("account", exc)
        else:
            messages.success(request, _("Payment account saved: subsidies are paid to %(account)s.")
                             % {"account": person.bank_account_masked})
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "roles": selectors.user_role_labels(request.user), "phone_masked": mask_phone(request.user.phone),
        "password_max_age_days": settings.STAFF_PASSWORD_MAX_AGE_DAYS, "bank_form": form,
    }, status=400)


# --- self-registration ------------------------------------------------------------------------------------------


def _registration_form_class(request):
    kind = request.POST.get("kind") or request.GET.get("kind")
    return EnterpriseRegistrationForm if kind == User.Kind.ENTERPRISE else PersonRegistrationForm


def register(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form_class = _registration_form_class(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if form_class is PersonRegistrationForm:
                user = services.applicant_register_person(
                    name=data["name"], id_number=data["id_number"], phone=data["phone"],
                    password=data["password"], sms_code=data["sms_code"])
            else:
                user = services.applicant_register_enterprise(
                    credit_code=data["credit_code"], enterprise_name=data["enterprise_name"],
                    contact_name=data["contact_name"], phone=data["phone"], password=data["password"],
                    sms_code=data["sms_code"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="guangyuan_jobs.accounts.backends.ModelBackendOneQuery")
            messages.success(request, _("Welcome! Your account is ready. Sign in next time with %(username)s.")
                             % {"username": user.username})
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/register.html", {"form": form, "kind": form_class.kind,
                                                      "sms_ttl_minutes": settings.SMS_CODE_TTL_MINUTES})


@require_POST
def sms_send(request):
    """Step one of registration: text a code. htmx swaps in the answer; without htmx the page reloads."""
    phone = request.POST.get("phone", "")
    try:
        services.sms_code_send(phone=phone, purpose=SmsCode.Purpose.REGISTER,
                               requested_ip=get_client_ip_address(request))
    except ValidationError as exc:
        ok, message = False, " ".join(exc.messages)
    except ApplicationError as exc:
        ok, message = False, str(exc.message)
    else:
        ok, message = True, _("A code was sent to %(phone)s. It is valid for %(minutes)d minutes.") % {
            "phone": mask_phone(normalise_phone(phone)), "minutes": settings.SMS_CODE_TTL_MINUTES}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_sms_status.html", {"ok": ok, "message": message})
    (messages.success if ok else messages.error)(request, message)
    return redirect(f"{resolve_url('accounts:register')}?kind={_registration_form_class(request).kind}")


# --- security administration --------------------------------------------------------------------------------------


@login_required
@permission_required("accounts.manage_security", raise_exception=True)
def lockout_list(request):
    form = LockoutFilterForm(request.GET or None)
    username = form.cleaned_data["username"].strip() if form.is_valid() else ""
    locked_only = request.GET.get("locked") == "1"
    rows = selectors.lockout_list(username=username, locked_only=locked_only)
    return render(request, "accounts/lockout_list.html",
                  {"filter_form": form, "locked_only": locked_only, **paginate(request, rows)})


@require_POST
@login_required
@permission_required("accounts.manage_security", raise_exception=True)
def lockout_unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        count = services.lockout_reset(username=form.cleaned_data["username"],
                                       ip_address=form.cleaned_data["ip_address"] or None, actor=request.user)
        messages.success(request, _("Unlocked %(username)s (%(count)d failed sign-ins cleared).")
                         % {"username": form.cleaned_data["username"], "count": count})
    else:
        messages.error(request, _("Choose an account to unlock."))
    return redirect("accounts:lockout_list")


@login_required
@permission_required("accounts.manage_security", raise_exception=True)
def security_user_list(request):
    form = LockoutFilterForm(request.GET or None)
    search = form.cleaned_data["username"].strip() if form.is_valid() else ""
    users = selectors.staff_security_list(search=search)
    return render(request, "accounts/security_user_list.html", {"filter_form": form, **paginate(request, users)})


@require_POST
@login_required
@permission_required("accounts.manage_security", raise_exception=True)
def otp_reset(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    try:
        count = services.otp_devices_reset(user=target, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Second factor of %(user)s reset (%(count)d devices removed). They will set up "
                                    "a new authenticator at their next sign-in.") % {"user": target, "count": count})
    return redirect("accounts:security_user_list")
