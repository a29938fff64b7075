from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from .middleware import mark_session_mfa_passed

        # Activating TOTP proves possession of the authenticator: the session counts as
        # having passed MFA, so the user goes on to the recovery codes without signing in again.
        authenticator_added.connect(mark_session_mfa_passed, dispatch_uid="accounts.mfa_activated")

        from . import mypage

        mypage.connect()  # what moves マイページ's cached page on
