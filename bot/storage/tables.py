"""The database schema as SQLAlchemy Core tables; Alembic migrations must keep it in step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Unicode,
    text,
)
from sqlalchemy.types import TypeEngine

# Explicit constraint names keep later migrations (drop/alter by name) portable across dialects.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that must be aware going in and always comes out as aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; SQLite has no time zone type, so it stores naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC whatever the driver gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _JSONDocument(TypeDecorator[Any]):
    """JSON everywhere, JSONB on PostgreSQL. SQLAlchemy's PostgreSQL dialect (tens of milliseconds
    to import) is loaded only on PostgreSQL, where its engine has loaded it anyway."""

    impl = JSON
    cache_ok = True
    hashable = False
    should_evaluate_none = True
    """As JSON(): None is stored as JSON null, not SQL NULL."""

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """JSONB on PostgreSQL, the dialect's JSON elsewhere."""
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JSONDocument = _JSONDocument()
"""JSON everywhere, JSONB on PostgreSQL."""


conversation_state = Table(
    "conversation_state",
    metadata,
    Column("person_id", String(255), primary_key=True),
    Column("state", JSONDocument, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(255), nullable=False),
    Column("clause_id", String(255), nullable=False, index=True),
    Column("intent_id", String(255), nullable=True),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    # The question the answer was given to, redacted; NULL for votes from before it was kept.
    Column("question", Text, nullable=True),
    Column("question_key", String(255), nullable=True),
)

declined_question = Table(
    "declined_question",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False, unique=True),
    Column("recipient", String(255), nullable=False),
    Column("payload", JSONDocument, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    # Where on its platform the message goes, when not to the recipient's own chat.
    Column("address", JSONDocument, nullable=True),
    CheckConstraint("status IN ('pending', 'sent', 'failed', 'cancelled')", name="status"),
    CheckConstraint("attempts >= 0", name="attempts"),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_outbox_recipient_status", "recipient", "status"),
)

business_case = Table(
    "business_case",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("academy", String(255), nullable=True),
    Column("requester", String(255), nullable=False, index=True),
    Column("status", String(32), nullable=False),
    Column("answers", JSONDocument, nullable=False),
    Column("decided_by", String(255), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("decision_note", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("reference", Integer, nullable=True, unique=True),
    CheckConstraint(
        "status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', "
        "'cancelled')",
        name="status",
    ),
)

case_reference = Table(
    "case_reference",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

case_confirmation = Table(
    "case_confirmation",
    metadata,
    Column("case_number", Integer, primary_key=True),
    Column("person_id", String(255), primary_key=True),
    Column("confirmed_at", UTCDateTime(), nullable=False),
)

account = Table(
    "account",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("academy", String(255), nullable=False, index=True),
    Column("platform", String(64), nullable=False),
    Column("handle", String(255), nullable=False),
    Column("runners", JSONDocument, nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("emails", JSONDocument, nullable=False),
    Column("comments_restricted", Boolean, nullable=False),
    Column("case_number", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(255), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", JSONDocument, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_audit_event_subject_id", "subject", "id"),
)

inbound_event = Table(
    "inbound_event",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("received_at", UTCDateTime(), nullable=False, index=True),
)

conversation_reference = Table(
    "conversation_reference",
    metadata,
    Column("person_id", String(255), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("reference", JSONDocument, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # When the worker may delete it (a card's buttons, say); null for a person's address.
    Column("expires_at", UTCDateTime(), nullable=True, index=True),
)

comment = Table(
    "comment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(255), nullable=False, index=True),
    Column("academy", String(255), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("deadline", UTCDateTime(), nullable=False),
    Column("due_soon_at", UTCDateTime(), nullable=False),
    Column("escalate_at", UTCDateTime(), nullable=False),
    Column("next_alert_at", UTCDateTime(), nullable=True),
    Column("author", String(255), nullable=True),
    Column("summary", Text, nullable=False),
    Column("source", String(16), nullable=False),
    Column("logged_by", String(255), nullable=True),
    Column("status", String(16), nullable=False),
    Column("responded_by", String(255), nullable=True),
    Column("responded_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("status IN ('open', 'responded')", name="status"),
    Index("ix_comment_status_next_alert_at", "status", "next_alert_at"),
)

policy_confirmation = Table(
    "policy_confirmation",
    metadata,
    Column("academy", String(255), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("person_id", String(255), primary_key=True),
    Column("confirmed_at", UTCDateTime(), nullable=False),
)

apscheduler_jobs = Table(
    # APScheduler's SQLAlchemyJobStore table, exactly as it defines it, so migrations own it.
    "apscheduler_jobs",
    metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)

safeguarding_route = Table(
    # How many messages were routed to a DSO, by academy ('' for trust-wide staff) and month:
    # counts only, never who or what.
    "safeguarding_route",
    metadata,
    Column("academy", String(255), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("count", Integer, nullable=False),
)

staff_directory = Table(
    # The imported trust directory's one row: its version (one more per import, which every
    # process compares with the version it has), the trust and the academies as YAML fields.
    "staff_directory",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("trust", JSONDocument, nullable=False),
    Column("academies", JSONDocument, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

staff_person = Table(
    # The imported directory's people, in the order of the staff list.
    "staff_person",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("email", String(255), nullable=False),
    Column("role", String(32), nullable=False),
    Column("academy", String(255), nullable=True),
    Column("phone", String(64), nullable=True),
    Column("slack_id", String(64), nullable=True),
    Column("teams_id", String(64), nullable=True),
    Column("manager", Boolean, nullable=False),
)

inbox = Table(
    # Inbound events from acknowledgement until answered; the payload is dropped once they are.
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False, unique=True),
    Column("platform", String(32), nullable=False),
    Column("conversation", String(255), nullable=False),
    Column("payload", JSONDocument, nullable=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("claim", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("answered_at", UTCDateTime(), nullable=True),
    CheckConstraint("status IN ('pending', 'answered')", name="status"),
    # The waiting events in order, which a claim walks (a partial index: answered rows stay).
    Index(
        "ix_inbox_waiting",
        "id",
        postgresql_where=text("status = 'pending'"),
        sqlite_where=text("status = 'pending'"),
    ),
    Index("ix_inbox_conversation_status_id", "conversation", "status", "id"),
)
