"""nomination: indexes on (commune, status) and (province, status) instead of three single-column ones

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index('ix_nomination_commune_code')
        batch_op.drop_index('ix_nomination_province_code')
        batch_op.drop_index('ix_nomination_status')
        batch_op.create_index('ix_nomination_commune_code_status', ['commune_code', 'status'], unique=False)
        batch_op.create_index('ix_nomination_province_code_status', ['province_code', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index('ix_nomination_province_code_status')
        batch_op.drop_index('ix_nomination_commune_code_status')
        batch_op.create_index('ix_nomination_status', ['status'], unique=False)
        batch_op.create_index('ix_nomination_province_code', ['province_code'], unique=False)
        batch_op.create_index('ix_nomination_commune_code', ['commune_code'], unique=False)
