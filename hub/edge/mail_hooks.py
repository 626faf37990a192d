"""The open marker of a sent mail: a one-pixel image whose fetch tells that the customer opened it.

Best effort and said so in the UI: many clients block remote images, and some fetch them on
their own (Apple's Mail Privacy Protection), so "opened" may come late, never, or early. The
answer is the same image whatever the token, so the endpoint tells an outsider nothing.
"""

from __future__ import annotations

import base64
import re

from asgiref.sync import sync_to_async
from starlette.requests import Request
from starlette.responses import Response

from hub.outbox.actions import do_record_opened

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


async def mail_opened(request: Request) -> Response:
    token = str(request.path_params["token"])
    if TOKEN.match(token):
        await sync_to_async(do_record_opened)(token)
    return Response(
        PIXEL,
        media_type="image/gif",
        headers={"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"},
    )
