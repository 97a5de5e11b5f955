"""registry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('birth_year_only', sa.Boolean(), nullable=False),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('national_id', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('social_insurance_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("gender IS NULL OR gender IN ('male', 'female')", name=op.f('ck_person_gender_known')),
    sa.CheckConstraint('national_id IS NOT NULL OR social_insurance_code IS NOT NULL', name=op.f('ck_person_has_identifier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('national_id', name=op.f('uq_person_national_id')),
    sa.UniqueConstraint('social_insurance_code', name=op.f('uq_person_social_insurance_code'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name_key'), ['name_key'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['commune.code'], name=op.f('fk_household_commune_code_commune')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_commune_code'), ['commune_code'], unique=False)

    op.create_table('nomination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('need_flags', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('flood_damage', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('health_facility', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('current_card_until', sa.Date(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('priority_score', sa.Integer(), nullable=False),
    sa.Column('priority_explanation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('nominated_by', sa.Integer(), nullable=False),
    sa.Column('nominated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('nominated', 'posted', 'approved', 'rejected', 'returned', 'withdrawn')", name=op.f('ck_nomination_status_known')),
    sa.ForeignKeyConstraint(['commune_code'], ['commune.code'], name=op.f('fk_nomination_commune_code_commune')),
    sa.ForeignKeyConstraint(['group_key'], ['premium_group.key'], name=op.f('fk_nomination_group_key_premium_group')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_nomination_household_id_household')),
    sa.ForeignKeyConstraint(['nominated_by'], ['user_account.id'], name=op.f('fk_nomination_nominated_by_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_nomination_person_id_person')),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_nomination_province_code_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination'))
    )
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_province_code'), ['province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_status'))
        batch_op.drop_index(batch_op.f('ix_nomination_province_code'))
        batch_op.drop_index(batch_op.f('ix_nomination_person_id'))
        batch_op.drop_index(batch_op.f('ix_nomination_household_id'))
        batch_op.drop_index(batch_op.f('ix_nomination_commune_code'))

    op.drop_table('nomination')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_commune_code'))

    op.drop_table('household')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name_key'))

    op.drop_table('person')
