"""A local SMTP server for the tests (aiosmtpd): prints `ready` once listening on 127.0.0.1:PORT, then one
JSON line per message received, with the envelope, the decoded subject and plain-text body, and the user who
logged in (if any).

    python3 smtp_sink.py PORT                              # plain, no login
    python3 smtp_sink.py PORT CERT KEY USER PASSWORD       # STARTTLS required, then a login required
"""
import asyncio
import email
import email.policy
import json
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class PrintEachMessage:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        print(
            json.dumps(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_to": envelope.rcpt_tos,
                    "from": str(message["from"]),
                    "to": str(message["to"]),
                    "subject": str(message["subject"]),
                    "body": part.get_content() if part is not None else "",
                    "auth_user": session.auth_data,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
        return "250 OK"


class OneAccount:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = getattr(auth_data, "login", None) == self.user and getattr(auth_data, "password", None) == self.password
        return AuthResult(success=ok, auth_data=self.user.decode() if ok else None, handled=False)


async def main(port, tls=None):
    options = {}
    if tls is not None:
        cert, key, user, password = tls
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options = dict(
            tls_context=context,
            require_starttls=True,
            authenticator=OneAccount(user, password),
            auth_required=True,
            auth_require_tls=True,
        )
    controller = Controller(PrintEachMessage(), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2:6] if len(sys.argv) >= 6 else None))
