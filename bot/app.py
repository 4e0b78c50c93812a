"""The composition root: the one place that builds concrete parts from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from bot.model.admin_ports import DirectoryStore, MonthlyFigures
from bot.model.inbox_ports import Inbox
from bot.model.ports import (
    AccountRegister,
    AuditTrail,
    CaseStore,
    CaseTransactions,
    CommentStore,
    ConfirmationStore,
    ConversationStore,
    Database,
    EventLog,
    OutboxStore,
    QuestionLog,
    ReferenceStore,
    SafeguardingStats,
)
from bot.model.records import Clock
from bot.settings import Settings
from bot.storage.database import SqlDatabase, prepare
from bot.storage.stores import Stores, open_stores

if TYPE_CHECKING:
    from bot.core.answers import Answerer
    from bot.core.bot import Bot
    from bot.core.messages import Message, Reply
    from bot.features.cases.approvals import Approvals
    from bot.features.comments.service import Comments
    from bot.features.digest.service import Digests
    from bot.features.reminders.feature import Reminders
    from bot.features.reminders.revision import PolicyRevision
    from bot.model.calendar import Calendars
    from bot.model.directory import Directory


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def load_trust(settings: Settings) -> Directory:
    """The trust directory from TRUST_FILE, or the bundled demo trust."""
    from bot.model.directory_file import DEMO_TRUST, load_directory

    return load_directory(settings.trust_file or DEMO_TRUST)


@dataclass
class App:
    """Everything a running process needs. The services are built on first use (their imports
    are deferred too), so `policybot outbox` loads no matcher, calendar or form."""

    settings: Settings
    trust: Callable[[], Directory]
    """Loads the trust directory, the first time `directory` is read."""
    database: Database
    conversations: ConversationStore
    questions: QuestionLog
    outbox: OutboxStore
    events: EventLog
    inbox: Inbox
    """Inbound events between their acknowledgement and their answer."""
    references: ReferenceStore
    audit: AuditTrail
    register: AccountRegister
    cases: CaseStore
    comment_store: CommentStore
    confirmations: ConfirmationStore
    safeguarding_stats: SafeguardingStats
    figures: MonthlyFigures
    transactions: CaseTransactions
    staff: DirectoryStore
    """The directory imported from a staff list, once there is one (it then wins over `trust`)."""
    clock: Clock
    _directory_version: int | None = field(default=None, init=False)

    @cached_property
    def directory(self) -> Directory:
        """The trust's academies and people."""
        return self.trust()

    async def follow_directory(self) -> None:
        """Take up a newer imported directory in place, so every part holding it sees it.

        Costs one read of one row when nothing has changed."""
        version = await self.staff.version()
        if version is None or version == self._directory_version:
            return
        stored = await self.staff.load()
        if stored is None:
            return
        if "directory" in self.__dict__:
            self.directory.adopt(stored.directory)
        else:
            self.__dict__["directory"] = stored.directory
        self._directory_version = stored.version

    async def handle(self, message: Message) -> list[Reply]:
        """The bot's replies, on the newest directory."""
        await self.follow_directory()
        return await self.bot.handle(message)

    @cached_property
    def calendars(self) -> Calendars:
        """Each academy's working days and hours (England's bank holidays and its closures)."""
        from bot.model.calendar import Calendars

        return Calendars(self.directory)

    @cached_property
    def comments(self) -> Comments:
        """Comments on academy accounts, their deadlines and alerts."""
        from bot.features.comments.service import Comments

        return Comments(
            self.comment_store,
            self.register,
            self.directory,
            self.calendars,
            self.outbox,
            self.audit,
            self.clock,
            self.settings.worker_grace,
        )

    @cached_property
    def reminders(self) -> Reminders:
        """The annual reminder to read the policy, and who confirmed it."""
        from bot.features.reminders.feature import Reminders

        return Reminders(
            self.confirmations,
            self.directory,
            self.calendars,
            self.outbox,
            self.audit,
            self.clock,
            self.settings.worker_grace,
            self.policy_revision,
        )

    @cached_property
    def digests(self) -> Digests:
        """HR's monthly digest, and when it goes to HR and IT."""
        from bot.features.digest.service import Digests, DigestSources

        sources = DigestSources(
            self.figures, self.confirmations, self.safeguarding_stats, self.register
        )
        return Digests(
            sources, self.directory, self.calendars, self.outbox, self.settings.worker_grace
        )

    @cached_property
    def policy_revision(self) -> PolicyRevision | None:
        """The policy version published with `policybot policy publish`, if any (read from
        clauses.yaml alone: the intents and matcher are not loaded)."""
        from bot.features.reminders.revision import PolicyRevision
        from intents.live_policy import DATA, live_policy

        policy = live_policy(self.settings.knowledge_dir or DATA)
        if not policy.published:
            return None
        at = datetime.fromisoformat(policy.published)
        return PolicyRevision(policy.version, policy.date, at)

    @cached_property
    def approvals(self) -> Approvals:
        """Business cases after the form: what the worker repairs after a crash."""
        from bot.features.cases.approvals import Approvals
        from bot.features.cases.form import Form
        from bot.features.cases.wording import Wording

        words = Wording(Form.load(), self.directory)
        return Approvals(self.directory, self.cases, self.transactions, words)

    @cached_property
    def answerer(self) -> Answerer:
        """The knowledge base and matcher (from the user's cache when the data is unchanged)."""
        from bot.core.answers import build_answerer

        return build_answerer(self.settings.knowledge_dir)

    @cached_property
    def bot(self) -> Bot:
        """The bot with every feature, tried before questions about the policy."""
        from bot.core.bot import Bot, Feature
        from bot.core.safeguarding import Safeguarding
        from bot.features.cases import BusinessCaseFeature, Form
        from bot.features.comments.feature import CommentsFeature
        from bot.features.handover import HandoverFeature
        from bot.features.reminders.feature import RemindersFeature

        features: list[Feature] = [
            BusinessCaseFeature(Form.load(), self.directory, self.cases, self.transactions),
            HandoverFeature(self.directory, self.outbox, self.audit, self.register),
            CommentsFeature(self.comments),
            RemindersFeature(self.reminders),
        ]
        safeguarding = Safeguarding(
            self.directory, self.outbox, self.safeguarding_stats, self.clock
        )
        return Bot(
            self.answerer,
            self.directory,
            self.conversations,
            self.questions,
            safeguarding,
            features,
        )

    async def close(self) -> None:
        """Release the database connections."""
        await self.database.close()


async def build_app(settings: Settings, clock: Clock = utc_now) -> App:
    """Open the database (upgrading the default file); the trust is loaded when first used."""
    engine = await prepare(settings.database_url, auto_upgrade=settings.uses_default_database)
    stores = open_stores(SqlDatabase(engine), clock)
    app = assemble(settings, lambda: load_trust(settings), stores, clock)
    await app.follow_directory()
    return app


def assemble(settings: Settings, trust: Callable[[], Directory], s: Stores, clock: Clock) -> App:
    """The app over these stores (SQL in production, memory in tests)."""
    return App(
        settings=settings,
        trust=trust,
        database=s.database,
        conversations=s.conversations,
        questions=s.questions,
        outbox=s.outbox,
        events=s.events,
        inbox=s.inbox,
        references=s.references,
        audit=s.audit,
        register=s.register,
        cases=s.cases,
        comment_store=s.comments,
        confirmations=s.confirmations,
        safeguarding_stats=s.safeguarding,
        figures=s.figures,
        transactions=s.transactions,
        staff=s.staff,
        clock=clock,
    )
