"""Baseline: tickets, outbox notifications and console agents.

This is the schema the project had before migrations existed; a database
created then (without an ``alembic_version`` table) is stamped at this
revision by escalation.db.upgrade_schema and upgraded from there.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("intents", sa.JSON(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("page_url", sa.String(2048)),
        sa.Column("contact_kind", sa.String(10)),
        sa.Column("contact_value", sa.String(320)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime()),
        sa.Column("closed_at", sa.DateTime()),
    )
    op.create_index("ix_escalation_tickets_conversation_id", "escalation_tickets", ["conversation_id"])
    op.create_index("ix_escalation_tickets_created_at", "escalation_tickets", ["created_at"])
    op.create_table(
        "escalation_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(),
                  sa.ForeignKey("escalation_tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("notifier", sa.String(100), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_until", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
    )
    op.create_index("ix_escalation_outbox_due", "escalation_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "escalation_agents",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("escalation_agents")
    op.drop_index("ix_escalation_outbox_due", table_name="escalation_outbox")
    op.drop_table("escalation_outbox")
    op.drop_index("ix_escalation_tickets_created_at", table_name="escalation_tickets")
    op.drop_index("ix_escalation_tickets_conversation_id", table_name="escalation_tickets")
    op.drop_table("escalation_tickets")
