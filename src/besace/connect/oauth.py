"""The OAuth2 server's policy, on top of django-oauth-toolkit: PKCE, and audited revocations."""

import hashlib

from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from besace.connect.services import token_revoked_record


class BesaceOAuth2Validator(OAuth2Validator):
    def is_pkce_required(self, client_id, request):
        # A public client has no secret: only PKCE ties the code to the one who asked for it.
        return not Application.objects.filter(
            client_id=client_id, client_type=Application.CLIENT_CONFIDENTIAL
        ).exists()

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7009 revocation by the client, recorded for the user whose token it was."""
        application = getattr(request, "client", None)
        revoked = []
        if isinstance(application, Application):
            checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
            for model, kind in ((AccessToken, "access_token"), (RefreshToken, "refresh_token")):
                live = model.objects.filter(token_checksum=checksum, application=application)
                if model is RefreshToken:
                    live = live.filter(revoked__isnull=True)
                revoked += [(t.user, kind) for t in live.select_related("user")]
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)
        for user, kind in revoked:
            token_revoked_record(application=application, user=user, token_type=kind)
