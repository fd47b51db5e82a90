from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.core.identifiers import parse_credit_code


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name, phone or credit code"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        # Enterprises sign in with their credit code, which people often type in lower case.
        try:
            return parse_credit_code(value).code
        except forms.ValidationError:
            return value


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "class": "form-control", "pattern": "[0-9 ]*"}),
    )


class SmsLoginForm(forms.Form):
    sms_code = forms.CharField(
        label=_("SMS code"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "class": "form-control", "pattern": "[0-9]*"}),
    )

    def clean_sms_code(self):
        return self.cleaned_data["sms_code"].strip()


class StaffPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError(_("The new password must differ from the current one."), code="same")
        return password


_control = {"class": "form-control"}


class _RegistrationForm(forms.Form):
    """Shapes only; the registration services check identity numbers, duplicates, passwords and the SMS code."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={**_control, "autocomplete": "tel", "inputmode": "tel"}))
    sms_code = forms.CharField(label=_("SMS code"), max_length=6, min_length=6,
                               widget=forms.TextInput(attrs={**_control, "autocomplete": "one-time-code",
                                                             "inputmode": "numeric"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={**_control, "autocomplete": "new-password"}),
                               help_text=_("At least 8 characters, not only digits, not a common password."))
    password_confirm = forms.CharField(label=_("Password again"), strip=False,
                                       widget=forms.PasswordInput(attrs={**_control, "autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password_confirm") and \
                cleaned["password"] != cleaned["password_confirm"]:
            self.add_error("password_confirm", _("The two passwords differ."))
        return cleaned


class PersonRegistrationForm(_RegistrationForm):
    kind = User.Kind.PERSON
    name = forms.CharField(label=_("Name"), max_length=64, widget=forms.TextInput(attrs={**_control,
                                                                                          "autocomplete": "name"}))
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={**_control, "autocomplete": "off"}))
    field_order = ["name", "id_number", "phone", "sms_code", "password", "password_confirm"]


class EnterpriseRegistrationForm(_RegistrationForm):
    kind = User.Kind.ENTERPRISE
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18,
                                  widget=forms.TextInput(attrs={**_control, "autocomplete": "off"}))
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=128,
                                      widget=forms.TextInput(attrs=_control))
    contact_name = forms.CharField(label=_("Contact person"), max_length=64, widget=forms.TextInput(attrs=_control))
    field_order = ["credit_code", "enterprise_name", "contact_name", "phone", "sms_code", "password",
                   "password_confirm"]


class LockoutFilterForm(forms.Form):
    username = forms.CharField(label=_("User name"), required=False, max_length=150,
                               widget=forms.TextInput(attrs={**_control, "placeholder": _("User name")}))


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)


class PayeeAccountForm(forms.Form):
    bank_name = forms.CharField(label=_("Bank"), max_length=64,
                                help_text=_("The bank of your social security card, or of your own account."))
    account = forms.CharField(label=_("Card or account number"), max_length=40,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
