"""Zeeschuimer uploads: unguessable status keys and their uploader

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 20:00:00

`upload` keeps the hash of each upload's random status key, its crawl run and who uploaded it, so only the
uploader (and admins) can read the upload's status.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('uploader', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_run_id'))
    op.drop_table('upload')
