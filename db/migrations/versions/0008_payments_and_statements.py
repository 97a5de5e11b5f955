"""payments and statements

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('bank_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('decision_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("method IN ('bank_transfer', 'cash', 'treasury')", name=op.f('ck_payment_method_known')),
    sa.CheckConstraint("source IN ('manual', 'statement')", name=op.f('ck_payment_source_known')),
    sa.CheckConstraint("status IN ('awaiting_confirmation', 'confirmed', 'rejected')", name=op.f('ck_payment_status_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_amount_positive')),
    sa.ForeignKeyConstraint(['confirmed_by'], ['user_account.id'], name=op.f('fk_payment_confirmed_by_user_account')),
    sa.ForeignKeyConstraint(['office_code'], ['receiving_office.code'], name=op.f('fk_payment_office_code_receiving_office')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_payment_pledge_id_pledge')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_payment_recorded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('office_code', 'bank_reference', name='uq_payment_office_code_bank_reference')
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_awaiting', ['office_code'], unique=False,
                              sqlite_where=sa.text("status = 'awaiting_confirmation'"),
                              postgresql_where=sa.text("status = 'awaiting_confirmation'"))
        batch_op.create_index(batch_op.f('ix_payment_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('statement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.Integer(), nullable=False),
    sa.Column('bank_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('line_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('unmatched', 'linked', 'not_ours')", name=op.f('ck_statement_line_status_known')),
    sa.ForeignKeyConstraint(['imported_by'], ['user_account.id'], name=op.f('fk_statement_line_imported_by_user_account')),
    sa.ForeignKeyConstraint(['office_code'], ['receiving_office.code'], name=op.f('fk_statement_line_office_code_receiving_office')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_statement_line_payment_id_payment')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_statement_line_pledge_id_pledge')),
    sa.ForeignKeyConstraint(['resolved_by'], ['user_account.id'], name=op.f('fk_statement_line_resolved_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_line')),
    sa.UniqueConstraint('office_code', 'bank_reference', name='uq_statement_line_office_code_bank_reference')
    )
    with op.batch_alter_table('statement_line', schema=None) as batch_op:
        batch_op.create_index('ix_statement_line_office_code_status', ['office_code', 'status'], unique=False)

    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_on', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.drop_column('reminded_on')

    with op.batch_alter_table('statement_line', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_line_office_code_status')

    op.drop_table('statement_line')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_pledge_id'))
        batch_op.drop_index('ix_payment_awaiting')

    op.drop_table('payment')
