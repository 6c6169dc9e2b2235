"""Demo data: the four movements that UBND tỉnh Đắk Nông asked to push forward in Công văn
2457/UBND-NC (25/05/2018), with the kinds of units the directive names: departments, districts
and the town, associations, central agencies in the province and state enterprises."""

from datetime import date

TENANT = "daknong"
LAUNCHED_BY = "UBND tỉnh Đắk Nông"
CURRENT_YEAR = date.today().year
CURRENT_CAMPAIGN = f"thi-dua-yeu-nuoc-{CURRENT_YEAR}"
# the cluster heads (cụm trưởng, khối trưởng) the clusters elect each year; the Keycloak demo user
# cluster-head.tx-gia-nghia reviews the districts' reports through this
CLUSTER_HEADS = {"khoi-huyen": "tx-gia-nghia"}
FIRST_YEAR = 2016
# the units the Keycloak demo realm has users for (deploy/local/keycloak/thidua-realm.json): the
# demo leaves their last quarter unreported, so that their reporters have something to do
DEMO_USER_UNITS = {"tx-gia-nghia", "huyen-cu-jut", "huyen-dak-mil", "so-tai-chinh", "hoi-phu-nu", "cty-xo-so"}

DISTRICTS = [
    ("tx-gia-nghia", "Thị xã Gia Nghĩa"),
    ("huyen-cu-jut", "Huyện Cư Jút"),
    ("huyen-dak-mil", "Huyện Đắk Mil"),
    ("huyen-krong-no", "Huyện Krông Nô"),
    ("huyen-dak-song", "Huyện Đắk Song"),
    ("huyen-dak-rlap", "Huyện Đắk R'lấp"),
    ("huyen-dak-glong", "Huyện Đắk Glong"),
    ("huyen-tuy-duc", "Huyện Tuy Đức"),
]
DEPARTMENTS = [
    ("so-noi-vu", "Sở Nội vụ"),
    ("so-tai-chinh", "Sở Tài chính"),
    ("so-ke-hoach-dau-tu", "Sở Kế hoạch và Đầu tư"),
    ("so-nong-nghiep", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("so-cong-thuong", "Sở Công Thương"),
    ("so-xay-dung", "Sở Xây dựng"),
    ("so-giao-thong", "Sở Giao thông vận tải"),
    ("so-tai-nguyen", "Sở Tài nguyên và Môi trường"),
    ("so-lao-dong", "Sở Lao động – Thương binh và Xã hội"),
    ("so-giao-duc", "Sở Giáo dục và Đào tạo"),
    ("so-y-te", "Sở Y tế"),
    ("so-tu-phap", "Sở Tư pháp"),
    ("so-thong-tin", "Sở Thông tin và Truyền thông"),
    ("so-khoa-hoc", "Sở Khoa học và Công nghệ"),
    ("so-van-hoa", "Sở Văn hóa, Thể thao và Du lịch"),
    ("van-phong-ubnd", "Văn phòng UBND tỉnh"),
    ("thanh-tra-tinh", "Thanh tra tỉnh"),
    ("ban-dan-toc", "Ban Dân tộc tỉnh"),
]
ASSOCIATIONS = [
    ("mttq-tinh", "Ủy ban MTTQ Việt Nam tỉnh"),
    ("hoi-phu-nu", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("hoi-nong-dan", "Hội Nông dân tỉnh"),
    ("tinh-doan", "Tỉnh đoàn Đắk Nông"),
    ("hoi-cuu-chien-binh", "Hội Cựu chiến binh tỉnh"),
    ("lien-doan-lao-dong", "Liên đoàn Lao động tỉnh"),
]
CENTRAL_AGENCIES = [
    ("kho-bac", "Kho bạc Nhà nước Đắk Nông"),
    ("cuc-thue", "Cục Thuế tỉnh Đắk Nông"),
    ("ngan-hang-csxh", "Ngân hàng Chính sách xã hội chi nhánh Đắk Nông"),
    ("bao-hiem-xa-hoi", "Bảo hiểm xã hội tỉnh Đắk Nông"),
    ("cuc-thong-ke", "Cục Thống kê tỉnh Đắk Nông"),
]
ENTERPRISES = [
    ("cty-xo-so", "Công ty TNHH MTV Xổ số kiến thiết Đắk Nông"),
    ("cty-thuy-loi", "Công ty TNHH MTV Khai thác công trình thủy lợi Đắk Nông"),
    ("cty-cap-nuoc", "Công ty Cổ phần Cấp thoát nước Đắk Nông"),
    ("cty-lam-nghiep-duc-hoa", "Công ty TNHH MTV Lâm nghiệp Đức Hòa"),
    ("cty-ca-phe-thuan-an", "Công ty TNHH MTV Cà phê Thuận An"),
    ("cty-moi-truong-do-thi", "Công ty Cổ phần Môi trường đô thị Đắk Nông"),
]

CLUSTERS = {
    "khoi-huyen": ("Khối các huyện, thị xã", DISTRICTS, "district"),
    "khoi-so-nganh": ("Khối các sở, ban, ngành", DEPARTMENTS, "department"),
    "khoi-doan-the": ("Khối Mặt trận và các đoàn thể", ASSOCIATIONS, "association"),
    "khoi-trung-uong": ("Khối các cơ quan Trung ương trên địa bàn", CENTRAL_AGENCIES, "central_agency"),
    "khoi-doanh-nghiep": ("Khối doanh nghiệp nhà nước", ENTERPRISES, "state_enterprise"),
}


def _participants(cluster_ids: list[str]) -> tuple[list[dict], list[dict]]:
    clusters, participants = [], []
    for cid in cluster_ids:
        name, units, unit_type = CLUSTERS[cid]
        cluster: dict = {"id": cid, "name_vi": name}
        if cid in CLUSTER_HEADS:
            cluster["leadership"] = [
                {"year": year, "head_unit_id": CLUSTER_HEADS[cid]} for year in range(FIRST_YEAR, CURRENT_YEAR + 1)
            ]
        clusters.append(cluster)
        for unit_id, unit_name in units:
            participants.append(
                {
                    "unit_id": unit_id,
                    "name_vi": unit_name,
                    "unit_type": unit_type,
                    "cluster_id": cid,
                    "email": f"vanthu.{unit_id}@daknong.thidua.local",
                }
            )
    return clusters, participants


PROVINCE = ("ubnd-tinh-dak-nong", "UBND tỉnh Đắk Nông")


def units() -> list[tuple[str, dict]]:
    """(unit id, body of PUT /api/v1/units/{id}): the province first, then every participating
    unit under it."""
    province_id, province_name = PROVINCE
    out = [
        (
            province_id,
            {
                "name_vi": province_name,
                "name_en": "Đắk Nông Provincial People's Committee",
                "unit_type": "province",
                "email": f"vanthu.{province_id}@daknong.thidua.local",
            },
        )
    ]
    for _, members, unit_type in CLUSTERS.values():
        for unit_id, name in members:
            out.append(
                (
                    unit_id,
                    {
                        "name_vi": name,
                        "unit_type": unit_type,
                        "parent_id": province_id,
                        "email": f"vanthu.{unit_id}@daknong.thidua.local",
                    },
                )
            )
    return out


def _criterion(cid, name_vi, name_en, uom, max_points, target, max_value):
    return {
        "id": cid,
        "name_vi": name_vi,
        "name_en": name_en,
        "unit_of_measure": uom,
        "max_points": max_points,
        "target": target,
        "max_value": max_value,
        "scorer": "ratio_to_target",
    }


def _themed(
    name_vi: str, name_en: str, start: str, goals_vi: list[str], cluster_ids: list[str], criteria: list[dict]
) -> dict:
    """A themed campaign of the province until 2020, reported each quarter, by the units of the
    clusters named."""
    clusters, participants = _participants(cluster_ids)
    return {
        "name_vi": name_vi,
        "name_en": name_en,
        "launched_by": LAUNCHED_BY,
        "kind": "themed",
        "start": start,
        "end": "2020-12-31",
        "reporting_frequency": "quarter",
        "goals_vi": goals_vi,
        "criteria": criteria,
        "clusters": clusters,
        "participants": participants,
    }


def current_campaign() -> dict:
    """This year's emulation movement of the whole province, reported each quarter: what the demo
    users sign in to today (the four themed campaigns of 2016–2020 are history)."""
    clusters, participants = _participants(list(CLUSTERS))
    return {
        "name_vi": f"Phong trào thi đua yêu nước năm {CURRENT_YEAR}",
        "name_en": f"Patriotic emulation movement {CURRENT_YEAR}",
        "launched_by": LAUNCHED_BY,
        "kind": "regular",
        "start": f"{CURRENT_YEAR}-01-01",
        "end": f"{CURRENT_YEAR}-12-31",
        "reporting_frequency": "quarter",
        "goals_vi": ["Hoàn thành toàn diện các chỉ tiêu kinh tế – xã hội năm " + str(CURRENT_YEAR)],
        "criteria": [
            _criterion(
                "nhiem-vu-chinh-tri",
                "Tỷ lệ hoàn thành nhiệm vụ chính trị được giao",
                "Assigned tasks completed",
                "%",
                40,
                100,
                100,
            ),
            _criterion(
                "dung-han", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "Dossiers on time", "%", 30, 98, 100
            ),
            _criterion(
                "sang-kien", "Sáng kiến, cải tiến được công nhận", "Recognised innovations", "sáng kiến", 20, 3, 200
            ),
            {
                "id": "danh-gia-cum",
                "name_vi": "Đánh giá của cụm trưởng, khối trưởng",
                "name_en": "Rating by the cluster head",
                "max_points": 10,
                "scorer": "reviewer_rating",
                "params": {"scale": 10},
            },
        ],
        "clusters": clusters,
        "participants": participants,
    }


def campaigns() -> dict[str, dict]:
    """campaign id → body of PUT /api/v1/campaigns/{id}: this year's movement first."""
    out = {CURRENT_CAMPAIGN: current_campaign()}
    out["nong-thon-moi-2016-2020"] = _themed(
        "Đắk Nông chung sức xây dựng nông thôn mới",
        "Đắk Nông joins hands to build new rural areas",
        "2016-01-01",
        ["Đến năm 2020 có ít nhất 30% số xã đạt chuẩn nông thôn mới"],
        ["khoi-huyen", "khoi-so-nganh", "khoi-doan-the"],
        [
            {
                **_criterion(
                    "xa-dat-chuan",
                    "Số tiêu chí nông thôn mới đạt thêm trên địa bàn",
                    "New-rural criteria met",
                    "tiêu chí",
                    30,
                    6,
                    200,
                ),
                "scorer": "cluster_leader",
            },
            _criterion(
                "duong-gtnt", "Đường giao thông nông thôn được cứng hóa", "Rural roads paved", "km", 25, 12, 500
            ),
            _criterion(
                "von-huy-dong", "Vốn huy động từ cộng đồng và doanh nghiệp", "Funds raised", "tỷ đồng", 20, 5, 1000
            ),
            _criterion(
                "mo-hinh-sx",
                "Mô hình sản xuất liên kết chuỗi giá trị",
                "Value-chain production models",
                "mô hình",
                25,
                3,
                100,
            ),
        ],
    )
    out["doanh-nghiep-hoi-nhap"] = _themed(
        "Doanh nghiệp Đắk Nông hội nhập và phát triển",
        "Đắk Nông enterprises integrate and grow",
        "2016-01-01",
        ["Cải thiện môi trường đầu tư, kinh doanh", "Tăng số doanh nghiệp thành lập mới"],
        ["khoi-doanh-nghiep", "khoi-so-nganh"],
        [
            _criterion("doanh-thu", "Tăng trưởng doanh thu so với cùng kỳ", "Revenue growth", "%", 30, 8, 300),
            _criterion("nop-ngan-sach", "Nộp ngân sách nhà nước", "Taxes paid", "tỷ đồng", 25, 4, 1000),
            _criterion("viec-lam", "Việc làm mới tạo ra", "New jobs", "người", 25, 20, 5000),
            _criterion(
                "sang-kien", "Sáng kiến, cải tiến được công nhận", "Recognised innovations", "sáng kiến", 20, 2, 200
            ),
        ],
    )
    out["vi-nguoi-ngheo-2016-2020"] = _themed(
        "Đắk Nông chung tay vì người nghèo – Không để ai bị bỏ lại phía sau",
        "Đắk Nông for the poor – leave no one behind",
        "2016-01-01",
        ["Giảm tỷ lệ hộ nghèo bình quân 2–3%/năm, riêng hộ đồng bào dân tộc thiểu số 4–5%/năm"],
        ["khoi-huyen", "khoi-doan-the", "khoi-trung-uong"],
        [
            _criterion("ho-thoat-ngheo", "Số hộ thoát nghèo", "Households out of poverty", "hộ", 35, 150, 20000),
            _criterion(
                "nha-dai-doan-ket",
                "Nhà đại đoàn kết xây mới và sửa chữa",
                "Solidarity houses built",
                "căn",
                25,
                10,
                2000,
            ),
            _criterion(
                "quy-vi-nguoi-ngheo",
                "Vận động Quỹ Vì người nghèo",
                "Fund for the poor raised",
                "triệu đồng",
                20,
                300,
                100000,
            ),
            _criterion(
                "lao-dong-viec-lam",
                "Lao động nghèo được đào tạo nghề, giới thiệu việc làm",
                "Poor workers trained or placed",
                "người",
                20,
                40,
                10000,
            ),
        ],
    )
    out["cai-cach-hanh-chinh-2017-2020"] = _themed(
        "Đẩy mạnh cải cách thủ tục hành chính tỉnh Đắk Nông",
        "Advance administrative procedure reform in Đắk Nông",
        "2017-01-01",
        ["Nâng cao chỉ số PAR INDEX và SIPAS của tỉnh"],
        ["khoi-so-nganh", "khoi-huyen", "khoi-trung-uong"],
        [
            _criterion("dung-han", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Dossiers settled on time", "%", 35, 98, 100),
            _criterion(
                "dvc-truc-tuyen",
                "Thủ tục cung cấp dịch vụ công trực tuyến mức độ 3, 4",
                "Online public services (level 3–4)",
                "thủ tục",
                25,
                10,
                2000,
            ),
            _criterion("hai-long", "Mức độ hài lòng của người dân, tổ chức", "Citizen satisfaction", "%", 25, 90, 100),
            _criterion(
                "cat-giam-thoi-gian",
                "Thủ tục được cắt giảm thời gian giải quyết",
                "Procedures made faster",
                "thủ tục",
                15,
                5,
                1000,
            ),
        ],
    )
    return out
