"""The console adapter: the bot in a terminal or a pipe, no credentials needed."""

from __future__ import annotations

import asyncio
import sys
from typing import Protocol, TextIO

from bot.core.messages import Message, Reply, numbered_choices
from bot.model.ports import Outbox

QUIT = {"quit", "exit", "bye", ":q"}


class Conversation(Protocol):
    """What the console asks of the core (bot.core.bot.Bot)."""

    async def handle(self, message: Message) -> list[Reply]:
        """Everything the bot says back to the sender of this message."""
        ...

    async def resume(self, sender: str) -> list[Reply]:
        """What to say when the person comes back, e.g. an open form."""
        ...

    async def offer(self, sender: str, replies: list[Reply]) -> None:
        """Make these replies' choices the ones a typed number picks next."""
        ...


def render(reply: Reply, first: int = 1) -> str:
    """A reply as plain text: the text, the clause as a quote, choices numbered from `first`."""
    lines = [reply.text]
    if reply.quote:
        q = reply.quote
        lines += [
            "",
            f"  {q.section}",
            *(f"  > {line}" for line in _wrap(q.text, 88)),
            f"  (Social Media Policy v{q.version}, clause {q.clause_id})",
        ]
    if reply.choices and not reply.numbered:
        lines += ["", "  " + " · ".join(c.label for c in reply.choices) + "  (type the word)"]
    elif reply.choices:
        lines.append("")
        lines += [f"  [{n}] {c.label}" for n, c in enumerate(reply.choices, first)]
        lines.append("  (type a number to pick)")
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters; the text's own line breaks (a list's bullets) stay."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            out.append(line)
    return out


class Console:
    """Reads lines, hands them to the bot as the given person, prints the replies."""

    def __init__(
        self,
        bot: Conversation,
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

    def _show(self, replies: list[Reply], first: int = 1, prefix: str = "bot> ") -> None:
        """Print replies with their choices numbered on across them, as the bot maps numbers."""
        for reply in replies:
            self._say(prefix + render(reply, first).replace("\n", "\n" + " " * len(prefix)))
            first += len(reply.choices) if reply.numbered else 0

    async def deliver_waiting(self) -> list[Reply]:
        """Print the messages the outbox holds for this person, mark them sent, return them."""
        waiting = await self.outbox.pending_for(self.person_id)
        first = 1
        for item in waiting:
            self._say(f"--- waiting for you (sent {item.created_at:%d %b %H:%M} UTC) ---")
            self._say(render(item.reply, first))
            first += len(item.reply.choices) if item.reply.numbered else 0
            await self.outbox.mark_sent(item.id)
        if waiting:
            self._say("--- end of waiting messages ---")
        return [item.reply for item in waiting]

    async def run(self, banner: str) -> None:
        """Converse until end of input or 'quit'."""
        self._say(banner)
        waiting = await self.deliver_waiting()
        resumed = await self.bot.resume(self.person_id)
        self._show(resumed, first=1 + len(numbered_choices(waiting)))
        if waiting or resumed:
            # Numbers typed next pick from what was just shown, waiting messages first.
            await self.bot.offer(self.person_id, [*waiting, *resumed])
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
            self._show(await self.bot.handle(Message(self.person_id, text)))
        self._say("Bye.")
