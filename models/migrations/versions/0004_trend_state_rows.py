"""trend state rows: the trend engine's state as a row per trend, in a safe encoding instead of one pickle

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:28:37.875136

Until 0003 the engine's whole state was one pickled `classifier_state` row ('trend-engine'). Unpickling data read
from a database runs whatever code it names, so this migration never loads it. It
- creates `trend_state` (one row per trend, see classifier.persist.codec),
- deletes the pickled 'trend-engine' row, and
- marks every stored post unprocessed (`post.processed_at = NULL`).
The next `leefwereld process` (or the scheduled run in `serve`) therefore rebuilds the trends from the stored
posts, reusing their cached embeddings, and replaces the old memberships. Trend rows stay: reviewers' names,
verdicts and merges are kept by trend id and applied to the rebuilt trends, which get their ids in the same
order as before. Posts already purged cannot be replayed, so trends that only they made are not rebuilt and keep
their last row; if the retained posts no longer start where they used to, ids can shift and a reviewer's name
can end up on a different theme: check the renamed trends after upgrading a long-running installation.

Downgrading drops `trend_state`, deletes the new 'trend-engine' row (older versions cannot read it) and marks the
posts unprocessed again, so the older version rebuilds its own state.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _start_over() -> None:
    op.execute(sa.text("DELETE FROM classifier_state WHERE name = 'trend-engine'"))
    op.execute(sa.text("UPDATE post SET processed_at = NULL"))


def upgrade() -> None:
    op.create_table('trend_state',
    sa.Column('trend_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['trend_id'], ['trend.id'], ),
    sa.PrimaryKeyConstraint('trend_id')
    )
    _start_over()


def downgrade() -> None:
    op.drop_table('trend_state')
    _start_over()
