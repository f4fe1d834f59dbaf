"""indexes the pages need at a year of posts

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 19:30:00

Every page reads when the newest post was collected (`max(post.collected_at)`, for the freshness line): without an
index that is a scan of every post, 0.2 s at 1M posts. The digest and the freshness line look trends up by the
span they were seen in (`trend.first_seen`, `trend.last_seen`). Measured in docs/PERFORMANCE.md.
"""
from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_collected_at'), ['collected_at'], unique=False)
    with op.batch_alter_table('trend', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trend_first_seen'), ['first_seen'], unique=False)
        batch_op.create_index(batch_op.f('ix_trend_last_seen'), ['last_seen'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('trend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trend_last_seen'))
        batch_op.drop_index(batch_op.f('ix_trend_first_seen'))
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_collected_at'))
