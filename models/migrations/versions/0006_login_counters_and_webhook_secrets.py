"""log-in counters per address, user name and pair; webhooks get a signing secret of their own

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

`login_counter` replaces counting failed log-ins in the audit log (which could be raced and let anyone lock a
named account). A webhook subscription signed its requests with the same token that is in its feed and
unsubscribe links; `subscription.signing_secret` separates the two. Existing webhooks keep signing with the key
their receiver knows: the token is copied into the new column, so nothing changes for them.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_counter',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window_start', models.types.UTCDateTime(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_success_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('login_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_counter_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.execute("UPDATE subscription SET signing_secret = token WHERE channel = 'webhook'")


def downgrade() -> None:
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('signing_secret')
    with op.batch_alter_table('login_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_counter_updated_at'))
    op.drop_table('login_counter')
