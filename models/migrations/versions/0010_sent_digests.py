"""sent digests: a weekly digest kept as it was sent

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 20:00:00

`sent_digest` keeps the rendering of each week's digest per language as it went out, so a later review shows as
a dated note beside it instead of silently rewriting what readers received.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sent_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('sent_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('week', 'lang', name='uq_sent_digest')
    )


def downgrade() -> None:
    op.drop_table('sent_digest')
