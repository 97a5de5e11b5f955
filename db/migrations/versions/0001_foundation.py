"""foundation: administrative units and premium rules

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('premium_group',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('object_code', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('ladder_applies', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_premium_group'))
    )
    op.create_table('province',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('division_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('codename', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_province'))
    )
    op.create_table('rule_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('base_salary', sa.BigInteger(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('child_full_cover_age', sa.Integer(), nullable=False),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('base_salary > 0', name=op.f('ck_rule_version_base_salary_positive')),
    sa.CheckConstraint('rate_bp > 0 AND rate_bp <= 10000', name=op.f('ck_rule_version_rate_bp_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_version')),
    sa.UniqueConstraint('code', name=op.f('uq_rule_version_code')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_rule_version_effective_from'))
    )
    op.create_table('commune',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('division_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('codename', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_poor', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_commune_province_code_province')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_commune'))
    )
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_province_code'), ['province_code'], unique=False)

    op.create_table('province_top_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('effective_to IS NULL OR effective_to >= effective_from', name=op.f('ck_province_top_up_dates_ordered')),
    sa.CheckConstraint('share_bp > 0 AND share_bp <= 10000', name=op.f('ck_province_top_up_share_bp_range')),
    sa.ForeignKeyConstraint(['group_key'], ['premium_group.key'], name=op.f('fk_province_top_up_group_key_premium_group')),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_province_top_up_province_code_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province_top_up')),
    sa.UniqueConstraint('province_code', 'group_key', 'effective_from', name='uq_province_top_up_start')
    )
    with op.batch_alter_table('province_top_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_province_top_up_province_code'), ['province_code'], unique=False)

    op.create_table('rule_group_share',
    sa.Column('rule_version_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('state_share_bp', sa.Integer(), nullable=False),
    sa.Column('poor_commune_share_bp', sa.Integer(), nullable=True),
    sa.CheckConstraint('poor_commune_share_bp IS NULL OR (poor_commune_share_bp >= 0 AND poor_commune_share_bp <= 10000)', name=op.f('ck_rule_group_share_poor_commune_share_bp_range')),
    sa.CheckConstraint('state_share_bp >= 0 AND state_share_bp <= 10000', name=op.f('ck_rule_group_share_state_share_bp_range')),
    sa.ForeignKeyConstraint(['group_key'], ['premium_group.key'], name=op.f('fk_rule_group_share_group_key_premium_group')),
    sa.ForeignKeyConstraint(['rule_version_id'], ['rule_version.id'], name=op.f('fk_rule_group_share_rule_version_id_rule_version')),
    sa.PrimaryKeyConstraint('rule_version_id', 'group_key', name=op.f('pk_rule_group_share'))
    )
    op.create_table('rule_ladder_step',
    sa.Column('rule_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.CheckConstraint('share_bp > 0 AND share_bp <= 10000', name=op.f('ck_rule_ladder_step_share_bp_range')),
    sa.ForeignKeyConstraint(['rule_version_id'], ['rule_version.id'], name=op.f('fk_rule_ladder_step_rule_version_id_rule_version')),
    sa.PrimaryKeyConstraint('rule_version_id', 'position', name=op.f('pk_rule_ladder_step'))
    )


def downgrade() -> None:
    op.drop_table('rule_ladder_step')
    op.drop_table('rule_group_share')
    with op.batch_alter_table('province_top_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_province_top_up_province_code'))

    op.drop_table('province_top_up')
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_province_code'))

    op.drop_table('commune')
    op.drop_table('rule_version')
    op.drop_table('province')
    op.drop_table('premium_group')
