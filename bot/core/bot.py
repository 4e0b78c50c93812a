"""The bot: one message in, replies out. Knows no chat platform."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from bot.core.actions import SEP, Action, action
from bot.core.answers import CREDENTIALS, POLICY_LINK, WRITING, Answer, Answerer
from bot.core.gaps import kept_question, person_names, worth_noting
from bot.core.messages import Message, Quote, Reply, numbered_choices
from bot.core.redaction import redact
from bot.core.safeguarding import KIND as SAFEGUARDING
from bot.core.safeguarding import Safeguarding
from bot.core.sanitise import clean
from bot.core.secrets import find_secret, unmasked
from bot.core.smalltalk import SmallTalk
from bot.core.wording import (
    BESIDE_SAFEGUARDING,
    CREDENTIALS_REFUSED,
    DECLINE,
    DID_YOU_MEAN,
    FEEDBACK_THANKS,
    GREETING,
    HELP,
    NOT_FOLLOWED,
    PART,
    PART_DECLINED,
    POLICY_LINK_TEXT,
    SECRET_REFUSED,
    THANKS,
    UNSURE,
    WRITING_REFUSED,
)
from bot.model.directory import Directory
from bot.model.ports import ConversationStore, QuestionLog
from intents.knowledge import Clause
from intents.matcher import Verdict

log = logging.getLogger(__name__)

NEW_ACCOUNT_SECTION = "new-accounts."
"""Clauses of 'Process for creating new accounts': answers offer to start a business case."""
HELP_CHOICES = (
    action("case", "start").choice("Propose a new academy account"),
    action("case", "mine").choice("My business cases"),
    action("comment", "mine").choice("My comments"),
)
YES = frozenset({"yes", "y", "yeah", "yep", "yup", "yes please", "ok", "okay", "sure", "go ahead"})
NO = frozenset({"no", "n", "nope", "no thanks", "not now"})
"""Typed answers to a yes/no question: they pick the one shown choice labelled Yes… or No…."""


class Feature(Protocol):
    """A conversation beyond Q&A (business cases, comments, reminders), tried before Q&A.

    `state` is the person's saved conversation state; a feature keeps its own data under
    its own key and the bot saves the state after every message.
    """

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies when the clicked value is this feature's, else None."""
        ...

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies when the typed text is this feature's (e.g. mid-form), else None."""
        ...


class Bot:
    """Routes each message: a picked choice, a feature's conversation, small talk, or Q&A."""

    def __init__(
        self,
        answerer: Answerer,
        directory: Directory,
        conversations: ConversationStore,
        questions: QuestionLog,
        safeguarding: Safeguarding,
        features: Sequence[Feature] = (),
    ) -> None:
        self.answerer = answerer
        self.safeguarding = safeguarding
        self.kb = answerer.kb
        self.directory = directory
        self.conversations = conversations
        self.questions = questions
        self.features = tuple(features)
        self.smalltalk = SmallTalk(self.kb.lexicon)
        self._names = person_names(p.name for p in directory.people)
        self._working = asyncio.Lock()

    async def handle(self, message: Message) -> list[Reply]:
        """Everything the bot says back to the sender of this message."""
        sender = message.sender
        state = await self.conversations.load_state(sender)
        loaded = copy.deepcopy(state)
        value = message.value or self._picked(state, message.text)
        replies = None if value else await self._before_features(sender, message.text, state)
        if value:
            replies = await self._first(f.on_choice(sender, value, state) for f in self.features)
            replies = replies or await self._choice(sender, value)
        if replies is None and message.text.strip():
            replies = await self._first(
                f.on_text(sender, message.text, state) for f in self.features
            )
        if replies is None:
            replies = await self._text(sender, message.text)
            # A question asked in the middle of a form is answered, then the form goes on.
            resumed = await self._first(f.on_choice(sender, "resume", state) for f in self.features)
            replies += resumed or []
        choices = [[c.label, remembered(c.value)] for c in numbered_choices(replies)]
        if choices or "choices" in state:  # no choices shown, none before: nothing to note
            state["choices"] = choices
        if state != loaded:  # a statement saved for each message that changed nothing
            await self.conversations.save_state(message.sender, state)
        return replies

    async def _before_features(
        self, sender: str, text: str, state: dict[str, Any]
    ) -> list[Reply] | None:
        """What no feature or form sees first: a risk to a child, and a pasted credential
        (refused and kept nowhere; an open form asks its question again)."""
        replies = await self._safeguarding_first(sender, text)
        if replies is None and (secret := find_secret(text)):
            resumed = await self._first(f.on_choice(sender, "resume", state) for f in self.features)
            replies = [Reply(self._refusal(sender, secret)), *(resumed or [])]
        return replies

    async def _safeguarding_first(self, sender: str, text: str) -> list[Reply] | None:
        """A typed request for the DSO, or a clear risk to a child, before any feature or form
        gets the text (so none of it is kept as a form answer). Less certain concerns are
        routed on the way to Q&A, so a short form answer is not mistaken for one."""
        text = unmasked(text)  # "[secret:token]" is ours, not the sender's words
        if not text.strip():
            return None
        if self.safeguarding.asks_for_contact(text):
            log.info("safeguarding contact requested")
            return await self.safeguarding.typed_contact(sender)
        async with self._turn():
            if not self.answerer.is_concern(text, confident=True):
                return None
            answer = self.answerer.answer(text)
        return await self._route(sender, answer)

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """A turn of the event loop of its own for the answerer's work (milliseconds of CPU
        with no await): messages answered together take turns, so whatever arrives meanwhile
        (a platform waiting for its acknowledgement) waits for one answer, never a batch."""
        async with self._working:
            await asyncio.sleep(0)
            yield

    def _refusal(self, sender: str, secret: str) -> str:
        """Why a message was not kept: it holds a credential; whom to give credentials to."""
        return SECRET_REFUSED.format(secret=secret, it=self._it_team(sender))

    def _it_team(self, sender: str) -> str:
        """ " (name, email)" of the sender's academy IT contact, or of the trust's IT staff."""
        person = self.directory.person(sender)
        academy = self.directory.academy_of(person) if person else None
        it = self.directory.person(academy.it_contact) if academy else None
        it = it or next((p for p in self.directory.people if p.role == "it"), None)
        return f" ({it.name}, {it.email})" if it else ""

    async def _route(self, sender: str, answer: Answer) -> list[Reply]:
        """The safeguarding reply first, then the clause the question itself is answered with,
        and the other clauses it matched offered beside."""
        log.info("question routed to safeguarding")
        assert answer.clause is not None
        quoted = {c.id for c in self.kb.passage(answer.clause.id)}
        also = [
            action("clause", c.id).choice(f"Also: {_short(c)}")
            for c in answer.related[:3]
            if c.id not in quoted
        ]
        replies = [await self.safeguarding.disclosed(sender, self._quote(answer.clause), also)]
        if answer.beside is not None:  # its "Not helpful" carries no question: nothing is kept
            replies.append(self._answered(replace(answer.beside, question=""), BESIDE_SAFEGUARDING))
        return replies

    async def resume(self, sender: str) -> list[Reply]:
        """What to say when a person comes back (e.g. a new console session): an open form."""
        state = await self.conversations.load_state(sender)
        replies = await self._first(f.on_choice(sender, "resume", state) for f in self.features)
        await self.conversations.save_state(sender, state)
        return replies or []

    async def offer(self, sender: str, replies: list[Reply]) -> None:
        """Make these replies' choices the ones a typed number or label picks next.

        For replies shown without `handle`, like waiting outbox messages; choices are numbered
        on across the replies, in order.
        """
        state = await self.conversations.load_state(sender)
        state["choices"] = [[c.label, remembered(c.value)] for c in numbered_choices(replies)]
        await self.conversations.save_state(sender, state)

    @staticmethod
    async def _first(
        attempts: Iterable[Awaitable[list[Reply] | None]],
    ) -> list[Reply] | None:
        """The first feature's replies that are not None, trying features in order."""
        for attempt in attempts:
            replies = await attempt
            if replies is not None:
                return replies
        return None

    def _picked(self, state: dict[str, Any], text: str) -> str | None:
        """The value of a shown choice the person typed by number or by its label."""
        choices = state.get("choices") or []
        t = text.strip().lower()
        if t.isdecimal() and len(t) <= 3 and 1 <= int(t) <= len(choices):  # int() of 5,000 fails
            return str(choices[int(t) - 1][1])
        exact = next((str(v) for label, v in choices if str(label).lower() == t), None)
        return exact or _yes_or_no(choices, t)

    async def _choice(self, sender: str, value: str) -> list[Reply] | None:
        act = Action.parse(value)
        if act.kind == SAFEGUARDING:
            return await self.safeguarding.on_choice(sender, value)
        if act.kind == "clause" and act.verb in self.kb.clauses:
            clause = self.kb.clauses[act.verb]
            return [self._clause_reply(clause, "Here is that part of the policy.")]
        if act.kind == "intent" and act.verb in self.kb.intent_by_id:
            intent = self.kb.intent_by_id[act.verb]
            related = [self.kb.clauses[c] for c in intent.clauses[1:]]
            clause = self.kb.clauses[intent.clauses[0]]
            return [self._clause_reply(clause, f"{intent.title}:", related, intent.id)]
        if act.kind == "feedback":
            clause_id, intent_id = act.arg, act.args[1] if len(act.args) > 1 else ""
            if clause_id in self.kb.clauses:
                helpful = act.verb == "up"
                question = kept_question(SEP.join(act.args[2:]))
                await self.questions.add_feedback(
                    sender, clause_id, intent_id or None, helpful, question
                )
                return [Reply(FEEDBACK_THANKS[helpful])]
        if act.kind == "help":
            return [Reply(HELP, choices=HELP_CHOICES)]
        return None

    async def _text(self, sender: str, text: str) -> list[Reply]:
        if not text.strip():
            return [Reply("Type a question about the Social Media Policy, or 'help'.")]
        kind = self.smalltalk.kind(text)
        if kind == "greeting":
            person = self.directory.person(sender)
            name = f" {person.name.split()[0]}" if person else ""
            return [Reply(GREETING.format(name=name))]
        if kind == "help":
            return [Reply(HELP, choices=HELP_CHOICES)]
        if kind == "thanks":
            return [Reply(THANKS)]
        async with self._turn():
            answer = self.answerer.answer(text)
        log.info(
            "question verdict=%s intent=%s score=%.3f safeguarding=%s parts=%d",
            answer.verdict.value,
            answer.intent.id if answer.intent else None,
            answer.score,
            answer.safeguarding,
            len(answer.parts),
        )
        if answer.safeguarding:
            return await self._route(sender, answer)
        replies = []
        for part in answer.parts or (answer,):
            asked = PART.format(question=part.question) if answer.parts else ""
            replies += await self._answer(sender, part, asked)
        return replies

    async def _answer(self, sender: str, answer: Answer, asked: str = "") -> list[Reply]:
        """The reply to one question (`asked` names it when the message asked several): its
        clause, with a close runner-up offered; where to go instead (the Trust IT Team, the
        policy's address); a choice of clauses; or a decline, noted for HR."""
        if answer.answered:
            return [self._answered(answer, f"{asked}\nHere's what the policy says:".lstrip())]
        lead = f"{asked}\n" if asked else ""
        if answer.redirect == CREDENTIALS:
            return [Reply(lead + CREDENTIALS_REFUSED.format(it=self._it_team(sender)))]
        if answer.redirect == POLICY_LINK:
            return [Reply(lead + POLICY_LINK_TEXT.format(url=self.directory.trust.policy_url))]
        if answer.redirect == WRITING:
            return [Reply(lead + WRITING_REFUSED)]
        if answer.verdict is Verdict.AMBIGUOUS and answer.alternatives:
            choices = tuple(
                action("clause", a.clause.id).choice(a.title) for a in answer.alternatives[:3]
            )
            return [Reply(lead + UNSURE, choices=choices)]
        what_can_you_do = (action("help").choice("What can you do?"),)
        if not worth_noting(answer.question, self._names):  # "cancel", "2", a name: noise
            return [Reply(lead + NOT_FOLLOWED, choices=what_can_you_do)]
        await self.questions.add_declined(redact(clean(answer.question)))
        if asked:
            return [Reply(lead + PART_DECLINED)]
        return [Reply(DECLINE, choices=what_can_you_do)]

    def _answered(self, answer: Answer, intro: str) -> Reply:
        """An answer's clause quoted after `intro`, with its choices."""
        assert answer.clause is not None
        close = answer.did_you_mean
        return self._clause_reply(
            answer.clause,
            intro,
            list(answer.related),
            answer.intent.id if answer.intent else None,
            close.id if close else None,
            answer.question,
        )

    def _quote(self, clause: Clause) -> Quote:
        p = self.kb.policy
        return Quote(clause.id, clause.heading, self.kb.quote(clause.id), f"{p.version} ({p.date})")

    def _clause_reply(
        self,
        clause: Clause,
        intro: str,
        related: list[Clause] | None = None,
        intent_id: str | None = None,
        close: str | None = None,
        question: str | None = None,
    ) -> Reply:
        """A quoted clause with its choices: a close runner-up ("Or did you mean …?", an intent
        id), related clauses not already quoted, starting a business case, and feedback."""
        quoted = {c.id for c in self.kb.passage(clause.id)}
        related = [c for c in related or [] if c.id not in quoted]
        choices = [action("clause", c.id).choice(f"Also: {_short(c)}") for c in related[:3]]
        runner_up = self.kb.intent_by_id.get(close or "")
        if runner_up is not None and runner_up.clauses[0] not in quoted:
            choices.insert(
                0, action("intent", runner_up.id).choice(DID_YOU_MEAN.format(title=runner_up.title))
            )
        if clause.id.startswith(NEW_ACCOUNT_SECTION):
            choices.insert(0, HELP_CHOICES[0])
        # The question rides on the "not helpful" button (redacted), so HR sees what was asked
        # when an answer missed; it is never kept in the conversation state (see remembered).
        asked = [kept_question(question) or ""] if question else []
        choices += [
            action("feedback", "up", clause.id, intent_id or "").choice("Helpful"),
            action("feedback", "down", clause.id, intent_id or "", *asked).choice("Not helpful"),
        ]
        return Reply(intro, quote=self._quote(clause), choices=tuple(choices))


def _yes_or_no(choices: list[list[str]], typed: str) -> str | None:
    """The value of the one shown choice labelled "Yes…" ("No…") when `typed` says yes (no)."""
    said = " ".join(typed.replace(",", " ").split()).rstrip(".!")
    word = "yes" if said in YES else "no" if said in NO else None
    if word is None:
        return None
    found = [str(v) for label, v in choices if re.match(rf"{word}\b", str(label).lower())]
    return found[0] if len(found) == 1 else None


def remembered(value: str) -> str:
    """A choice value as it may be stored: a vote without the question it carries, so no
    question is kept unless someone clicks "Not helpful" on a platform."""
    act = Action.parse(value)
    if act.kind == "feedback":
        return action(act.kind, act.verb, *act.args[:2]).value
    return value


def for_storage(reply: Reply) -> Reply:
    """The reply as an adapter may keep it (a Teams card to close after a click, an answer
    kept for a retry): its votes carry no question."""
    choices = tuple(replace(c, value=remembered(c.value)) for c in reply.choices)
    return replace(reply, choices=choices)


def _short(clause: Clause) -> str:
    words = clause.text.split()
    head = " ".join(words[:8])
    return f"{clause.section} – {head}…" if len(words) > 8 else f"{clause.section} – {head}"
