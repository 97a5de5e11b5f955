"""every group the state supports or pays for (Decree 188/2025/NĐ-CP art. 6 cl. 6, Law 51/2024/QH15 art. 12), with
how long the support lasts, what proves it and its source; a rule version may be a proposal until confirmed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

The groups and shares are written out (not read from donation/premium/rule_data.py) so that this revision means the
same whatever the rule data becomes later. A database seeded before this revision gets the new groups, and every rule
version it holds gets their shares: the groups the law supports from 1/7/2025 in versions from that day on (also
versions an administrator added), the groups the state pays in full in every version (they were paid in full under
Decree 146/2018 too). Shares already present are left as they are. The 2026-07 version is a proposal (no decree was
found): it is marked unconfirmed and its legal basis says so instead of naming a decree that may not exist.
"""

from datetime import date

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

# key, name, object code ("" not confirmed), ladder, sort order, support months, support from, proof, legal basis
GROUPS = (
    ('household', 'Hộ gia đình', 'GD', True, 0, None,
     '',
     'Sổ hộ khẩu hoặc thông tin cư trú của hộ trong Cơ sở dữ liệu quốc gia về dân cư',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 5 Điều 12'),
    ('near_poor', 'Hộ cận nghèo', 'CN', False, 1, None,
     '',
     'Quyết định công nhận hộ cận nghèo của Ủy ban nhân dân cấp xã',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), điểm a khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('pupil', 'Học sinh', 'HS', False, 2, None,
     '',
     'Xác nhận đang theo học của nhà trường',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('student', 'Sinh viên', 'SV', False, 3, None,
     '',
     'Xác nhận đang theo học của nhà trường',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('farm_household', 'Hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình', 'GB', False, 4, None,
     '',
     'Danh sách hộ làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình được Ủy ban nhân dân cấp xã phê duyệt',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('ethnic_minority_transition', 'Người dân tộc thiểu số sống ở xã không còn thuộc vùng có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn', '', False, 5, 36,
     'kể từ khi xã không còn thuộc vùng có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn',
     'Quyết định của cấp có thẩm quyền xác định xã không còn thuộc vùng khó khăn, đặc biệt khó khăn (ghi ngày) và thông tin dân tộc, nơi cư trú trong Cơ sở dữ liệu quốc gia về dân cư',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), điểm g khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('trafficking_victim', 'Nạn nhân bị mua bán người', '', False, 6, 12,
     'kể từ ngày được cơ quan có thẩm quyền xác định là nạn nhân',
     'Văn bản xác định là nạn nhân của cơ quan có thẩm quyền theo Luật Phòng, chống mua bán người năm 2024 (ghi ngày)',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), điểm i khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('grassroots_security', 'Người tham gia lực lượng bảo vệ an ninh, trật tự ở cơ sở', '', False, 7, None,
     '',
     'Quyết định thành lập hoặc công nhận thành viên tổ bảo vệ an ninh, trật tự ở cơ sở',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('village_health_worker', 'Nhân viên y tế thôn, bản; cô đỡ thôn, bản', '', False, 8, None,
     '',
     'Quyết định hoặc hợp đồng làm nhân viên y tế thôn, bản, cô đỡ thôn, bản',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('village_worker', 'Người hoạt động không chuyên trách ở thôn, tổ dân phố', '', False, 9, None,
     '',
     'Quyết định của Ủy ban nhân dân cấp xã giao nhiệm vụ người hoạt động không chuyên trách',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('artisan', 'Người được phong tặng danh hiệu nghệ nhân nhân dân, nghệ nhân ưu tú', '', False, 10, None,
     '',
     'Quyết định phong tặng danh hiệu nghệ nhân nhân dân, nghệ nhân ưu tú (Luật Di sản văn hóa 2024); hộ có thu nhập bình quân đầu người dưới mức lương cơ sở được nhà nước đóng toàn bộ',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 4 Điều 12; Nghị định 188/2025/NĐ-CP, khoản 3 Điều 5; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('mine_victim', 'Nạn nhân bom mìn, vật nổ sau chiến tranh', '', False, 11, None,
     '',
     'Giấy xác nhận nạn nhân bom mìn vật nổ sau chiến tranh (khoản 8 Điều 3 Nghị định 18/2019/NĐ-CP)',
     'Nghị định 188/2025/NĐ-CP, khoản 4 Điều 5; Nghị định 188/2025/NĐ-CP, khoản 6 Điều 6'),
    ('poor', 'Hộ nghèo', 'HN', False, 12, None,
     '',
     'Quyết định công nhận hộ nghèo của Ủy ban nhân dân cấp xã',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 3 Điều 12'),
    ('ethnic_minority_difficult', 'Người dân tộc thiểu số sống ở vùng có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn', 'DT', False, 13, None,
     '',
     'Thông tin dân tộc, nơi cư trú trong Cơ sở dữ liệu quốc gia về dân cư; danh sách xã thuộc vùng khó khăn, đặc biệt khó khăn',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 3 Điều 12'),
    ('difficult_commune', 'Người sống ở xã có điều kiện kinh tế - xã hội đặc biệt khó khăn', 'DK', False, 14, None,
     '',
     'Nơi thường trú trong Cơ sở dữ liệu quốc gia về dân cư; danh sách xã đặc biệt khó khăn',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 3 Điều 12'),
    ('island_commune', 'Người sống ở xã đảo, đặc khu', 'XD', False, 15, None,
     '',
     'Nơi thường trú trong Cơ sở dữ liệu quốc gia về dân cư',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 3 Điều 12'),
    ('social_protection', 'Người hưởng trợ cấp xã hội hằng tháng', 'BT', False, 16, None,
     '',
     'Quyết định hưởng trợ cấp xã hội hằng tháng của Chủ tịch Ủy ban nhân dân cấp xã',
     'Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 3 Điều 12'),
    ('safe_zone_commune', 'Người dân xã an toàn khu cách mạng', '', False, 17, None,
     '',
     'Nơi thường trú tại xã an toàn khu trong Cơ sở dữ liệu quốc gia về dân cư',
     'Nghị định 188/2025/NĐ-CP, khoản 2 Điều 5; Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15), khoản 3 Điều 12'),
)
# State share (basis points) of each new group: in versions from 1/7/2025, and in earlier versions.
SHARES_FROM_2025 = {'difficult_commune': 10000,
 'ethnic_minority_difficult': 10000,
 'ethnic_minority_transition': 7000,
 'grassroots_security': 5000,
 'island_commune': 10000,
 'mine_victim': 3000,
 'safe_zone_commune': 10000,
 'social_protection': 10000,
 'trafficking_victim': 5000,
 'village_health_worker': 5000,
 'village_worker': 5000,
 'artisan': 5000}
SHARES_BEFORE_2025 = {'difficult_commune': 10000,
 'ethnic_minority_difficult': 10000,
 'island_commune': 10000,
 'social_protection': 10000}
LAW_2025 = date(2025, 7, 1)
PROPOSAL_2026 = 'Đề xuất lương cơ sở 2.530.000 đồng từ 01/07/2026, chưa có nghị định'

premium_group = sa.table(
    "premium_group", sa.column("key", sa.String), sa.column("name", sa.String), sa.column("object_code", sa.String),
    sa.column("ladder_applies", sa.Boolean), sa.column("sort_order", sa.Integer),
    sa.column("support_months", sa.Integer), sa.column("support_from", sa.String), sa.column("proof", sa.String),
    sa.column("legal_basis", sa.String))
rule_version = sa.table("rule_version", sa.column("id", sa.Integer), sa.column("code", sa.String),
                        sa.column("effective_from", sa.Date), sa.column("legal_basis", sa.String),
                        sa.column("confirmed", sa.Boolean))
rule_group_share = sa.table("rule_group_share", sa.column("rule_version_id", sa.Integer),
                            sa.column("group_key", sa.String), sa.column("state_share_bp", sa.Integer),
                            sa.column("poor_commune_share_bp", sa.Integer))


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN on both databases: a batch rebuild of rule_version would drop a table that the
    # shares and ladder steps refer to.
    op.add_column('premium_group', sa.Column('support_months', sa.Integer(), nullable=True))
    for name in ('support_from', 'proof', 'legal_basis'):
        op.add_column('premium_group', sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                                 server_default=''))
    op.add_column('rule_version', sa.Column('confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column('rule_version', sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(length=64),
                                            nullable=False, server_default=''))
    op.add_column('rule_version', sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('rule_version', sa.Column('confirmation_source', sqlmodel.sql.sqltypes.AutoString(),
                                            nullable=False, server_default=''))
    bind = op.get_bind()
    have_groups = set(bind.execute(sa.select(premium_group.c.key)).scalars())
    if not have_groups:
        return  # an empty database: `init` seeds everything from the rule data
    for key, name, code, ladder, order, months, since, proof, basis in GROUPS:
        if key in have_groups:  # the name and code stay as an administrator may have set them
            bind.execute(premium_group.update().where(premium_group.c.key == key).values(
                sort_order=order, support_months=months, support_from=since, proof=proof, legal_basis=basis))
        else:
            bind.execute(premium_group.insert().values(
                key=key, name=name, object_code=code, ladder_applies=ladder, sort_order=order, support_months=months,
                support_from=since, proof=proof, legal_basis=basis))
    have_shares = set(bind.execute(sa.select(rule_group_share.c.rule_version_id, rule_group_share.c.group_key)).all())
    for version_id, starts in bind.execute(sa.select(rule_version.c.id, rule_version.c.effective_from)).all():
        shares = SHARES_FROM_2025 if starts >= LAW_2025 else SHARES_BEFORE_2025
        rows = [{"rule_version_id": version_id, "group_key": key, "state_share_bp": share,
                 "poor_commune_share_bp": None}
                for key, share in shares.items() if (version_id, key) not in have_shares]
        if rows:
            bind.execute(rule_group_share.insert(), rows)
    basis = bind.execute(sa.select(rule_version.c.legal_basis).where(rule_version.c.code == "2026-07")).scalar()
    if basis is not None:
        _, _, rest = basis.partition("; ")
        if "cần xác nhận" in basis or "161/2026" in basis:
            basis = f"{PROPOSAL_2026}; {rest}" if rest else PROPOSAL_2026
        bind.execute(rule_version.update().where(rule_version.c.code == "2026-07").values(
            confirmed=False, legal_basis=basis))


def downgrade() -> None:
    bind = op.get_bind()
    new = [key for key, *_ in GROUPS if key in SHARES_FROM_2025]
    bind.execute(rule_group_share.delete().where(rule_group_share.c.group_key.in_(new)))
    bind.execute(premium_group.delete().where(premium_group.c.key.in_(new)))
    # ALTER TABLE … DROP COLUMN (SQLite 3.35 and later): no batch rebuild of tables that others refer to.
    for name in ('confirmation_source', 'confirmed_at', 'confirmed_by', 'confirmed'):
        op.drop_column('rule_version', name)
    for name in ('legal_basis', 'proof', 'support_from', 'support_months'):
        op.drop_column('premium_group', name)
