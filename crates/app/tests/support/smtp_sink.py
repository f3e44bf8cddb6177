"""A local SMTP server for the tests (aiosmtpd): prints `ready` once listening on 127.0.0.1:PORT, then one
JSON line per message received, with the envelope and the decoded subject and plain-text body.

    python3 smtp_sink.py PORT
"""
import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.controller import Controller


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
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
        return "250 OK"


async def main(port):
    controller = Controller(PrintEachMessage(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
