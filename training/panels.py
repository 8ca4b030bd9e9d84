"""Panels: the archive page's training card (referrals, waitlist, "建议培训"; certificates: the archive's own card)."""

from .selectors import archive_training


def archive_side_panels(*, request, archive):
    return [{"template": "training/_archive_panel.html",
             "context": archive_training(archive=archive, user=request.user)}]
