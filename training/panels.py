"""Panels: the archive page's training card (referrals, waitlist, certificates, "建议培训")."""

from .selectors import archive_training


def archive_side_panels(*, request, archive):
    return [{"template": "training/_archive_panel.html",
             "context": archive_training(archive=archive, user=request.user)}]
