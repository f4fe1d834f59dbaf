"""crawl_run.holder: the process that records a run, so a run left unfinished by a killed process is closed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 20:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('crawl_run') as batch:
        batch.add_column(sa.Column('holder', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('crawl_run') as batch:
        batch.drop_column('holder')
