"""job claims: the worker's scheduled jobs claim their slots in `job_claim` instead of APScheduler's job store

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 16:00:00

The crawl schedules are built from the configuration at every worker start, so APScheduler's pickled job store
(`apscheduler_jobs`) is no longer needed; it is dropped. `job_claim` keeps, per job, the last slot a worker
claimed, its lease and its outcome: two workers never run the same slot, and a run missed while no worker was up
is made up once at the next start.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_claim',
    sa.Column('job_id', sa.String(length=200), nullable=False),
    sa.Column('slot', models.types.UTCDateTime(), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('lease_until', models.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('last_ok_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('job_id')
    )
    with op.batch_alter_table('apscheduler_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apscheduler_jobs_next_run_time'))
    op.drop_table('apscheduler_jobs')


def downgrade() -> None:
    op.create_table('apscheduler_jobs',
    sa.Column('id', sa.Unicode(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('apscheduler_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apscheduler_jobs_next_run_time'), ['next_run_time'], unique=False)
    op.drop_table('job_claim')
