"""The console adapter: the bot in a terminal or a pipe, no credentials needed."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.core import Bot
from bot.messages import Message, Reply
from bot.ports import Outbox

QUIT = {"quit", "exit", "bye", ":q"}


def render(reply: Reply) -> str:
    """A reply as plain text: the text, the clause as a quote, choices numbered."""
    lines = [reply.text]
    if reply.quote:
        q = reply.quote
        lines += [
            "",
            f"  {q.section}",
            *(f"  > {line}" for line in _wrap(q.text, 88)),
            f"  (Social Media Policy v{q.version}, clause {q.clause_id})",
        ]
    if reply.choices:
        lines.append("")
        lines += [f"  [{n}] {c.label}" for n, c in enumerate(reply.choices, 1)]
        lines.append("  (type a number to pick)")
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*out, line] if line else out


class Console:
    """Reads lines, hands them to the bot as the given person, prints the replies."""

    def __init__(
        self,
        bot: Bot,
        outbox: Outbox,
        person_id: str,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
    ) -> None:
        self.bot = bot
        self.outbox = outbox
        self.person_id = person_id
        self.stdin = stdin
        self.stdout = stdout

    def _say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def deliver_waiting(self) -> int:
        """Print the messages the outbox holds for this person and mark them sent."""
        waiting = await self.outbox.pending_for(self.person_id)
        for item in waiting:
            self._say(f"--- waiting for you (sent {item.created_at:%d %b %H:%M} UTC) ---")
            self._say(render(item.reply))
            await self.outbox.mark_sent(item.id)
        if waiting:
            self._say("--- end of waiting messages ---")
        return len(waiting)

    async def run(self, banner: str) -> None:
        """Converse until end of input or 'quit'."""
        self._say(banner)
        await self.deliver_waiting()
        for reply in await self.bot.resume(self.person_id):
            self._say("bot> " + render(reply).replace("\n", "\n     "))
        interactive = self.stdin.isatty()
        while True:
            if interactive:
                self.stdout.write("you> ")
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            text = line.strip()
            if text.lower() in QUIT:
                break
            if not text:
                continue
            for reply in await self.bot.handle(Message(self.person_id, text)):
                self._say("bot> " + render(reply).replace("\n", "\n     "))
        self._say("Bye.")
