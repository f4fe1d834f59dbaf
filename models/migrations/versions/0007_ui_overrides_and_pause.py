"""browser administration: configuration overrides, paused subscriptions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 17:00:00

`config_override` keeps watchlist edits and source switches made in the browser on top of the YAML file.
`subscription.paused` lets an owner stop a subscription for a while without deleting it.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('config_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('section', 'name', name='uq_config_override')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('paused')
    op.drop_table('config_override')
