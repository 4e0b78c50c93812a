"""Every store, built together: on SQL (one per port, sharing one engine) or in memory."""

from __future__ import annotations

from dataclasses import dataclass

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
from bot.storage.audit import SqlAudit
from bot.storage.cases import SqlCases
from bot.storage.comments import SqlComments
from bot.storage.conversations import SqlConversations
from bot.storage.database import SqlDatabase
from bot.storage.digest import SqlMonthlyFigures
from bot.storage.events import SqlEvents
from bot.storage.inbox import SqlInbox
from bot.storage.outbox import SqlOutbox
from bot.storage.questions import SqlQuestions
from bot.storage.references import SqlReferences
from bot.storage.register import SqlRegister
from bot.storage.reminders import SqlConfirmations
from bot.storage.safeguarding import SqlSafeguardingStats
from bot.storage.staff import SqlDirectoryStore
from bot.storage.transactions import SqlTransactions


@dataclass(frozen=True, slots=True)
class Stores:
    """One store per port, and the database beneath them."""

    conversations: ConversationStore
    questions: QuestionLog
    outbox: OutboxStore
    events: EventLog
    inbox: Inbox
    references: ReferenceStore
    audit: AuditTrail
    cases: CaseStore
    register: AccountRegister
    comments: CommentStore
    confirmations: ConfirmationStore
    safeguarding: SafeguardingStats
    figures: MonthlyFigures
    transactions: CaseTransactions
    staff: DirectoryStore
    database: Database

    async def close(self) -> None:
        """Release the database beneath every store."""
        await self.database.close()


def open_stores(database: SqlDatabase, clock: Clock) -> Stores:
    """Every SQL store on the database's one engine, timestamping with `clock`."""
    engine = database.engine
    return Stores(
        conversations=SqlConversations(engine, clock),
        questions=SqlQuestions(engine, clock),
        outbox=SqlOutbox(engine, clock),
        events=SqlEvents(engine, clock),
        inbox=SqlInbox(engine, clock),
        references=SqlReferences(engine, clock),
        audit=SqlAudit(engine, clock),
        cases=SqlCases(engine, clock),
        register=SqlRegister(engine, clock),
        comments=SqlComments(engine, clock),
        confirmations=SqlConfirmations(engine, clock),
        safeguarding=SqlSafeguardingStats(engine),
        figures=SqlMonthlyFigures(engine),
        transactions=SqlTransactions(engine, clock),
        staff=SqlDirectoryStore(engine, clock),
        database=database,
    )


def memory_stores(clock: Clock) -> Stores:
    """Every port in memory, empty, timestamping with `clock`."""
    # Imported here: a process on a database (every command) never loads the memory stores.
    from bot.storage.memory import (
        MemoryAudit,
        MemoryConversations,
        MemoryDatabase,
        MemoryEvents,
        MemoryOutbox,
        MemoryQuestions,
        MemoryReferences,
    )
    from bot.storage.memory_accounts import (
        MemoryCases,
        MemoryComments,
        MemoryConfirmations,
        MemoryRegister,
    )
    from bot.storage.memory_digest import MemoryMonthlyFigures
    from bot.storage.memory_inbox import MemoryInbox
    from bot.storage.safeguarding import MemorySafeguardingStats
    from bot.storage.staff import MemoryDirectoryStore
    from bot.storage.transactions import MemoryTransactions, Work

    cases, audit, outbox = MemoryCases(clock), MemoryAudit(clock), MemoryOutbox(clock)
    register = MemoryRegister(clock)
    questions, comments = MemoryQuestions(clock), MemoryComments(clock)
    return Stores(
        conversations=MemoryConversations(clock),
        questions=questions,
        outbox=outbox,
        events=MemoryEvents(clock),
        inbox=MemoryInbox(clock, outbox),
        references=MemoryReferences(clock),
        audit=audit,
        cases=cases,
        register=register,
        comments=comments,
        confirmations=MemoryConfirmations(clock),
        safeguarding=MemorySafeguardingStats(),
        figures=MemoryMonthlyFigures(questions, comments),
        transactions=MemoryTransactions(Work(cases, audit, outbox, register)),
        staff=MemoryDirectoryStore(),
        database=MemoryDatabase(),
    )
