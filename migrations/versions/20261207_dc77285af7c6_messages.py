"""messages: messages to segments, one delivery per recipient, opt-outs, the automatic reminder

Revision ID: dc77285af7c6
Revises: 48b39d99516d
Create Date: 2026-12-07 03:29:43.920265

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dc77285af7c6"
down_revision = "48b39d99516d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminder_settings",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("practical_info", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days_before BETWEEN 0 AND 60", name=op.f("ck_reminder_settings_days_before_in_range")),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_reminder_settings_forum_id_forum"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("forum_id", name=op.f("pk_reminder_settings")),
    )
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("announcement", "reminder", name="messagekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("channel", sa.Enum("email", name="channel", native_enum=False, length=10), nullable=False),
        sa.Column("segment", sa.JSON(), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("is_essential", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "sending", "sent", "failed", name="messagestatus", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_message_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["forum_id"], ["forum.id"], name=op.f("fk_message_forum_id_forum"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_message_job_id_job"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(
            "uq_message_reminder_forum",
            ["forum_id"],
            unique=True,
            postgresql_where=sa.text("kind = 'reminder'"),
            sqlite_where=sa.text("kind = 'reminder'"),
        )

    op.create_table(
        "message_opt_out",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_message_opt_out_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_message_opt_out")),
    )
    op.create_table(
        "message_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Enum("email", name="channel", native_enum=False, length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "sending", "sent", "bounced", "failed", name="deliverystatus", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_message_delivery_message_id_message"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_message_delivery_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_delivery")),
        sa.UniqueConstraint(
            "message_id",
            "registration_id",
            "channel",
            name=op.f("uq_message_delivery_message_id_registration_id_channel"),
        ),
    )
    with op.batch_alter_table("message_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_message_delivery_message_status", ["message_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_delivery_registration_id"), ["registration_id"], unique=False)


def downgrade():
    with op.batch_alter_table("message_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_delivery_registration_id"))
        batch_op.drop_index("ix_message_delivery_message_status")

    op.drop_table("message_delivery")
    op.drop_table("message_opt_out")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_message_reminder_forum",
            postgresql_where=sa.text("kind = 'reminder'"),
            sqlite_where=sa.text("kind = 'reminder'"),
        )
        batch_op.drop_index(batch_op.f("ix_message_forum_id"))

    op.drop_table("message")
    op.drop_table("reminder_settings")
