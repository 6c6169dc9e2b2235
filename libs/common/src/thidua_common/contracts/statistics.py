"""Issue 13 (statutory forms): the classification the national statistics forms of Circular
02/2023/TT-BNV (0601.N, 0602.N, 0603.N) need, carried on campaign and award events. Every field
that uses these is optional with a default, so events written before them still validate."""

from enum import StrEnum


class CampaignScope(StrEnum):
    """Phạm vi (0601.N rows 02–05)."""

    national = "national"  # Toàn quốc
    ministry_province = "ministry_province"  # Bộ, ngành, địa phương
    cluster = "cluster"  # Cụm, khối thi đua
    agency = "agency"  # Cơ quan, tổ chức, đơn vị


class LaunchLevel(StrEnum):
    """Cấp phát động (0601.N columns 2–4)."""

    central = "central"  # Cấp Trung ương
    ministry_province = "ministry_province"  # Cấp bộ, ngành, tỉnh
    agency = "agency"  # Cơ quan, tổ chức, đơn vị


class AwardLevel(StrEnum):
    """Which form counts an award: state level (0602.N) or ministry/province level (0603.N)."""

    state = "state"  # cấp Nhà nước
    ministry_province = "ministry_province"  # cấp bộ, ban, ngành, tỉnh
    agency = "agency"  # cấp cơ sở: on no form of the three


class AwardForm(StrEnum):
    """The column group of an award on 0602.N / 0603.N (hình thức khen thưởng)."""

    # state level (0602.N)
    medal = "medal"  # Huân chương, Huy chương
    honorary_title = "honorary_title"  # Danh hiệu vinh dự Nhà nước
    hcm_prize = "hcm_prize"  # Giải thưởng Hồ Chí Minh
    state_prize = "state_prize"  # Giải thưởng Nhà nước
    government_flag = "government_flag"  # Cờ thi đua của Chính phủ
    pm_certificate = "pm_certificate"  # Bằng khen của Thủ tướng Chính phủ
    national_fighter = "national_fighter"  # Chiến sĩ thi đua toàn quốc
    # ministry / province level (0603.N)
    emulation_flag = "emulation_flag"  # Cờ thi đua của bộ, ngành, tỉnh
    provincial_fighter = "provincial_fighter"  # Chiến sĩ thi đua cấp bộ, ngành, tỉnh
    excellent_collective = "excellent_collective"  # Tập thể lao động xuất sắc
    certificate = "certificate"  # Bằng khen của bộ, ngành, tỉnh
    other = "other"  # another form of that level


class RecipientType(StrEnum):
    """Đối tượng (rows of 0602.N / 0603.N): an award kind's default, by its nominee kind."""

    collective = "collective"  # Tập thể
    enterprise = "enterprise"  # Doanh nghiệp
    household = "household"  # Hộ gia đình
    individual = "individual"  # Cá nhân
