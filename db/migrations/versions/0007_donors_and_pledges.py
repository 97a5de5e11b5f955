"""donors and pledges

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('donor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('authority', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('decision_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('tax_code', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('representative', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('budget', 'organisation', 'individual')", name=op.f('ck_donor_kind_known')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_donor_created_by_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_donor_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor')),
    sa.UniqueConstraint('user_id', name=op.f('uq_donor_user_id'))
    )
    op.create_table('receiving_office',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('bank_bin', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('account_number', sqlmodel.sql.sqltypes.AutoString(length=19), nullable=False),
    sa.Column('account_holder', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['user_account.id'], name=op.f('fk_receiving_office_updated_by_user_account')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_receiving_office'))
    )
    op.create_table('pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.Integer(), nullable=True),
    sa.Column('groups', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('cards', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('quoted_on', sa.Date(), nullable=False),
    sa.Column('rule_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pledged', 'partly_paid', 'paid', 'allocated', 'completed', 'cancelled', 'expired')", name=op.f('ck_pledge_status_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_pledge_amount_positive')),
    sa.CheckConstraint('paid >= 0', name=op.f('ck_pledge_paid_non_negative')),
    sa.ForeignKeyConstraint(['commune_code'], ['commune.code'], name=op.f('fk_pledge_commune_code_commune')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_pledge_created_by_user_account')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_pledge_donor_id_donor')),
    sa.ForeignKeyConstraint(['office_code'], ['receiving_office.code'], name=op.f('fk_pledge_office_code_receiving_office')),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_pledge_province_code_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge')),
    sa.UniqueConstraint('code', name=op.f('uq_pledge_code'))
    )
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index('ix_pledge_office_code_status', ['office_code', 'status'], unique=False)

    op.create_table('instalment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_instalment_amount_positive')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_instalment_pledge_id_pledge')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instalment')),
    sa.UniqueConstraint('pledge_id', 'number', name='uq_instalment_pledge_number')
    )
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instalment_pledge_id'), ['pledge_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instalment_pledge_id'))

    op.drop_table('instalment')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_office_code_status')
        batch_op.drop_index(batch_op.f('ix_pledge_donor_id'))

    op.drop_table('pledge')
    op.drop_table('receiving_office')
    op.drop_table('donor')
