"""audit key fingerprint and digest v2

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('digest_v2_from', sa.Integer(), nullable=True))
    # Events already written were hashed by v1 and stay so; v2 starts with the next one. The fingerprint is set by
    # the next append, which knows the key (a migration does not).
    op.execute("UPDATE audit_head SET digest_v2_from = seq + 1")
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.alter_column('digest_v2_from', existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('digest_v2_from')
        batch_op.drop_column('key_fingerprint')
