"""Every sentence a user reads, in Vietnamese (default) and English."""

from collections.abc import Callable
from typing import Literal

Language = Literal["vi", "en"]

MESSAGES: dict[str, dict[str, str]] = {
    # authentication and authorisation
    "auth.missing": {
        "vi": "Thiếu thông tin xác thực: cần mã thông báo Bearer hoặc khóa API.",
        "en": "Missing credentials: a Bearer token or an API key is required.",
    },
    "auth.invalid": {"vi": "Mã thông báo không hợp lệ: {reason}.", "en": "Invalid token: {reason}."},
    "auth.expired": {"vi": "Mã thông báo đã hết hạn.", "en": "The token has expired."},
    "auth.bad_api_key": {"vi": "Khóa API không hợp lệ.", "en": "Invalid API key."},
    "auth.role": {
        "vi": "Vai trò của bạn ({roles}) không được phép thực hiện thao tác này.",
        "en": "Your roles ({roles}) may not perform this action.",
    },
    "auth.tenant": {
        "vi": "Bạn thuộc đơn vị quản lý '{own}', không được thao tác trên dữ liệu của '{other}'.",
        "en": "You belong to tenant '{own}' and may not act on '{other}'.",
    },
    "auth.unit": {
        "vi": "Bạn chỉ được báo cáo cho đơn vị '{own}', không phải '{other}'.",
        "en": "You may only report for unit '{own}', not '{other}'.",
    },
    # issue 8: conflict of interest and read-only roles
    "auth.read_only": {
        "vi": "Vai trò kiểm toán viên (auditor) chỉ được xem, không được phép thay đổi dữ liệu.",
        "en": "The auditor role is read-only: it may not change anything.",
    },
    "conflict.own_unit.review": {
        "vi": "Quy tắc xung đột lợi ích: không ai được thẩm định báo cáo của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody reviews their own unit's submission (you act for unit '{unit}').",
    },
    "conflict.own_unit.reopen": {
        "vi": "Quy tắc xung đột lợi ích: không ai được mở lại báo cáo đã phê duyệt của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody reopens their own unit's approved submission "
        "(you act for unit '{unit}').",
    },
    "conflict.own_unit.appeal_decision": {
        "vi": "Quy tắc xung đột lợi ích: không ai được giải quyết khiếu nại về báo cáo của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody decides an appeal on their own unit's submission "
        "(you act for unit '{unit}').",
    },
    "conflict.own_unit.rating": {
        "vi": "Quy tắc xung đột lợi ích: không ai được chấm điểm thẩm định cho chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody rates their own unit (you act for unit '{unit}').",
    },
    "conflict.own_unit.pass": {
        "vi": "Quy tắc xung đột lợi ích: không ai được chuyển bước hồ sơ đề nghị khen thưởng của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody passes a nomination of their own unit (you act for unit '{unit}').",
    },
    "conflict.own_unit.return": {
        "vi": "Quy tắc xung đột lợi ích: không ai được trả lại hồ sơ đề nghị khen thưởng của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody returns a nomination of their own unit (you act for unit '{unit}').",
    },
    "conflict.own_unit.vote": {
        "vi": "Quy tắc xung đột lợi ích: không ai được ghi kết quả biểu quyết hồ sơ đề nghị khen thưởng của chính "
        "đơn vị mình (bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody records the vote on a nomination of their own unit "
        "(you act for unit '{unit}').",
    },
    "conflict.own_unit.decide": {
        "vi": "Quy tắc xung đột lợi ích: không ai được quyết định khen thưởng hồ sơ của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody decides a nomination of their own unit (you act for unit '{unit}').",
    },
    # issue 13: award papers — the chair approves a nomination for the next decision batch
    "conflict.own_unit.approve": {
        "vi": "Quy tắc xung đột lợi ích: không ai được phê duyệt khen thưởng hồ sơ của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody approves a nomination of their own unit (you act for unit '{unit}').",
    },
    # issue 8: secrets and tokens (why a token is refused: the {reason} of auth.invalid)
    "auth.reason.signature": {"vi": "chữ ký không đúng", "en": "the signature does not match"},
    "auth.reason.audience": {"vi": "mã không dành cho hệ thống này", "en": "it is meant for another audience"},
    "auth.reason.issuer": {"vi": "mã không do hệ thống này cấp", "en": "it was issued by someone else"},
    "auth.reason.not_yet_valid": {"vi": "mã chưa đến thời điểm có hiệu lực", "en": "it is not valid yet"},
    "auth.reason.algorithm": {"vi": "thuật toán ký không được chấp nhận", "en": "its signing algorithm is not accepted"},
    "auth.reason.malformed": {"vi": "mã sai cấu trúc", "en": "it is malformed"},
    "auth.reason.other": {"vi": "không kiểm tra được mã", "en": "it could not be verified"},
    "auth.reason.missing_claim": {"vi": "thiếu thông tin bắt buộc '{claim}'", "en": "the required claim '{claim}' is missing"},
    "auth.reason.claim": {"vi": "thông tin '{claim}' sai định dạng", "en": "the claim '{claim}' is malformed"},
    "auth.reason.no_roles": {"vi": "mã không cấp vai trò nào", "en": "it grants no role"},
    "auth.reason.lifetime": {
        "vi": "thời hạn hiệu lực dài hơn mức tối đa {hours} giờ",
        "en": "it is valid for longer than the maximum of {hours} hours",
    },
    "auth.api_key_expired": {"vi": "Khóa API đã hết hạn.", "en": "The API key has expired."},
    "auth.header_too_large": {
        "vi": "Trường tiêu đề {header} quá dài (tối đa {limit} byte).",
        "en": "The {header} header is too long (at most {limit} bytes).",
    },
    # issue 10: identity — tokens of an OIDC provider (Keycloak, a province's SSO)
    "auth.reason.unknown_key": {
        "vi": "mã được ký bằng khóa mà nhà cung cấp định danh không công bố",
        "en": "it is signed with a key the identity provider does not publish",
    },
    "auth.keys_unavailable": {
        "vi": "Chưa lấy được khóa xác minh từ nhà cung cấp định danh; vui lòng thử lại sau ít phút.",
        "en": "The identity provider's verification keys could not be fetched; please try again in a few minutes.",
    },
    # readiness (GET /readyz)
    "health.ready": {"vi": "Dịch vụ sẵn sàng.", "en": "The service is ready."},
    "health.not_ready": {
        "vi": "Dịch vụ chưa sẵn sàng: không kết nối được {failing}.",
        "en": "The service is not ready: {failing} not available.",
    },
    # issue 8: crash (readiness that degrades instead of failing)
    "health.degraded": {
        "vi": "Dịch vụ vẫn nhận yêu cầu nhưng đang suy giảm: {degraded}.",
        "en": "The service accepts requests but is degraded: {degraded}.",
    },
    # request validation
    "request.invalid": {"vi": "Dữ liệu gửi lên không hợp lệ.", "en": "The request is invalid."},
    "request.too_large": {
        "vi": "Nội dung yêu cầu quá lớn ({size} byte, tối đa {limit} byte).",
        "en": "Request body too large ({size} bytes, at most {limit}).",
    },
    "request.bad_json": {
        "vi": "Nội dung yêu cầu không phải JSON hợp lệ (lỗi ở ký tự thứ {position}).",
        "en": "The request body is not valid JSON (error at character {position}).",
    },
    "request.idempotency_conflict": {
        "vi": "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.",
        "en": "This Idempotency-Key was already used for a different request.",
    },
    "field.missing": {"vi": "Thiếu trường bắt buộc.", "en": "Field required."},
    "field.extra": {"vi": "Trường không được phép.", "en": "Unknown field."},
    "field.type": {"vi": "Sai kiểu dữ liệu: cần {expected}.", "en": "Wrong type: expected {expected}."},
    "field.pattern": {"vi": "Sai định dạng (mẫu {pattern}).", "en": "Wrong format (pattern {pattern})."},
    "field.too_short": {"vi": "Quá ngắn hoặc rỗng.", "en": "Too short or empty."},
    "field.too_long": {"vi": "Quá dài.", "en": "Too long."},
    "field.range": {"vi": "Giá trị ngoài phạm vi cho phép: {detail}.", "en": "Value out of range: {detail}."},
    "field.url": {"vi": "Không phải địa chỉ URL hợp lệ.", "en": "Not a valid URL."},
    "field.other": {"vi": "Giá trị không hợp lệ.", "en": "Invalid value."},
    # issue 8: secrets and tokens (pydantic errors told from the catalogue, never pydantic's text)
    "request.bad_json_nowhere": {
        "vi": "Nội dung yêu cầu không phải JSON hợp lệ.",
        "en": "The request body is not valid JSON.",
    },
    "field.choice": {
        "vi": "Giá trị không nằm trong danh sách cho phép: {choices}.",
        "en": "Not one of the allowed values: {choices}.",
    },
    "field.choice_unknown": {"vi": "Giá trị không nằm trong danh sách cho phép.", "en": "Not one of the allowed values."},
    "field.integer": {"vi": "Phải là số nguyên.", "en": "Must be a whole number."},
    "field.multiple_of": {"vi": "Không đúng bước giá trị cho phép.", "en": "Not a multiple of the allowed step."},
    "field.timezone": {"vi": "Thời điểm phải ghi rõ múi giờ.", "en": "The date-time needs its time zone."},
    "field.date_past": {"vi": "Phải là ngày trong quá khứ.", "en": "Must be a date in the past."},
    "field.date_future": {"vi": "Phải là ngày trong tương lai.", "en": "Must be a date in the future."},
    "field.read_only": {"vi": "Trường này không được sửa.", "en": "This field cannot be changed."},
    "field.unique": {"vi": "Các phần tử bị trùng lặp.", "en": "The items repeat."},
    "field.text": {"vi": "Văn bản không hợp lệ.", "en": "Not valid text."},
    "type.string": {"vi": "chuỗi ký tự", "en": "a string"},
    "type.integer": {"vi": "số nguyên", "en": "a whole number"},
    "type.number": {"vi": "số", "en": "a number"},
    "type.boolean": {"vi": "giá trị đúng/sai (true hoặc false)", "en": "true or false"},
    "type.object": {"vi": "đối tượng JSON", "en": "a JSON object"},
    "type.list": {"vi": "danh sách", "en": "a list"},
    "type.date": {"vi": "ngày dạng YYYY-MM-DD", "en": "a date as YYYY-MM-DD"},
    "type.datetime": {"vi": "thời điểm theo ISO 8601", "en": "an ISO 8601 date-time"},
    "type.time": {"vi": "giờ theo ISO 8601", "en": "an ISO 8601 time"},
    "type.duration": {"vi": "khoảng thời gian", "en": "a duration"},
    "type.uuid": {"vi": "mã UUID", "en": "a UUID"},
    "type.url": {"vi": "địa chỉ URL", "en": "a URL"},
    "type.choice": {"vi": "một giá trị trong danh sách cho phép", "en": "one of the allowed values"},
    "type.value": {"vi": "giá trị đúng kiểu", "en": "a value of the right type"},
    "campaign.date_range": {
        "vi": "Ngày phải thuộc các năm từ {min} đến {max}.",
        "en": "The date must fall within the years {min} to {max}.",
    },
    "campaign.end_before_start": {
        "vi": "Ngày kết thúc trước ngày bắt đầu.",
        "en": "The end date precedes the start date.",
    },
    "campaign.duplicate_criterion": {"vi": "Trùng mã tiêu chí '{id}'.", "en": "Criterion id '{id}' repeats."},
    "campaign.duplicate_participant": {
        "vi": "Đơn vị '{id}' được khai báo tham gia nhiều lần.",
        "en": "Unit '{id}' takes part more than once.",
    },
    "campaign.unknown_cluster": {"vi": "Không có cụm/khối thi đua '{id}'.", "en": "No cluster '{id}'."},
    "commendation.stage_repeats": {
        "vi": "Các bước trong quy trình của '{id}' bị trùng mã.",
        "en": "Stage ids repeat in the chain of '{id}'.",
    },
    "commendation.chain_end": {
        "vi": "Quy trình của '{id}' phải kết thúc bằng bước quyết định.",
        "en": "The chain of '{id}' must end with a decision stage.",
    },
    "commendation.one_decision": {
        "vi": "Quy trình của '{id}' phải có đúng một bước quyết định.",
        "en": "The chain of '{id}' must have exactly one decision stage.",
    },
    "commendation.award_kind_repeats": {"vi": "Trùng mã hình thức khen thưởng.", "en": "Award kind ids repeat."},
    # issue 8: crash (periods out of range, strict booleans and dates)
    "period.format": {
        "vi": "Kỳ báo cáo phải có dạng YYYY, YYYY-Qn hoặc YYYY-MM, với năm từ {min} đến {max}.",
        "en": "A period is YYYY, YYYY-Qn or YYYY-MM, with a year from {min} to {max}.",
    },
    "field.bool": {"vi": "Phải là true hoặc false.", "en": "Must be true or false."},
    "request.unreadable": {
        "vi": "Không đọc được nội dung yêu cầu: phải là JSON viết bằng UTF-8.",
        "en": "The request body cannot be read: it must be JSON written in UTF-8.",
    },
    "request.no_route": {"vi": "Không có địa chỉ này.", "en": "No such address."},
    "request.method": {
        "vi": "Địa chỉ này không nhận phương thức HTTP đó.",
        "en": "This address does not accept that HTTP method.",
    },
    "request.refused": {"vi": "Yêu cầu bị từ chối (mã {status}).", "en": "The request was refused (status {status})."},
    "field.date": {
        "vi": "Phải là một ngày dạng YYYY-MM-DD.",
        "en": "Must be a date written YYYY-MM-DD.",
    },
    # domain validation
    "campaign.unknown": {"vi": "Không có phong trào thi đua '{id}'.", "en": "No campaign '{id}'."},
    "campaign.revision_conflict": {
        "vi": "Phong trào đã được cập nhật (phiên bản {current}); hãy tải lại rồi thử lại.",
        "en": "The campaign changed (revision {current}); reload and retry.",
    },
    "unit.unknown": {
        "vi": "Đơn vị '{id}' không tham gia phong trào này.",
        "en": "Unit '{id}' does not take part in this campaign.",
    },
    "cluster.unknown": {"vi": "Không có cụm/khối thi đua '{id}'.", "en": "No cluster '{id}'."},
    "criterion.unknown": {
        "vi": "Tiêu chí '{id}' không có trong bảng tiêu chí của phong trào.",
        "en": "Criterion '{id}' is not in the campaign's criteria.",
    },
    "value.range": {
        "vi": "Giá trị {value} nằm ngoài khoảng cho phép [{min}; {max}].",
        "en": "Value {value} is outside the allowed range [{min}, {max}].",
    },
    "period.outside": {
        "vi": "Kỳ báo cáo {period} nằm ngoài thời gian của phong trào ({start} – {end}).",
        "en": "Period {period} lies outside the campaign ({start} – {end}).",
    },
    "period.frequency": {
        "vi": "Kỳ báo cáo '{period}' không đúng tần suất báo cáo của phong trào ({frequency}).",
        "en": "Period '{period}' does not match the campaign's reporting frequency ({frequency}).",
    },
    "event.type": {"vi": "Loại sự kiện '{type}' không được nhận ở đây.", "en": "Event type '{type}' is not accepted here."},
    # issue 11: revisions — a campaign's saved revisions (GET /api/v1/campaigns/{cid}/revisions)
    "campaign.revision_unknown": {
        "vi": "Phong trào '{id}' không có phiên bản {revision} trong lịch sử đã lưu (lịch sử có từ phiên bản {first} "
        "đến {last}).",
        "en": "Campaign '{id}' has no revision {revision} in its saved history (the history holds revisions {first} "
        "to {last}).",
    },
    # issue 12: kafka — an outside system publishes only within its scope (dead-letter reason `scope`)
    "scope": {
        "vi": "Sự kiện nằm ngoài phạm vi được cấp cho hệ thống gửi.",
        "en": "The event lies outside the scope granted to the sending system.",
    },
    "scope.system": {
        "vi": "Hệ thống '{system}' chưa được đăng ký hoặc đã bị gỡ bỏ.",
        "en": "System '{system}' is not registered or has been removed.",
    },
    "scope.tenant": {
        "vi": "Hệ thống '{system}' không được gửi dữ liệu cho đơn vị chủ quản '{tenant}'.",
        "en": "System '{system}' may not publish for tenant '{tenant}'.",
    },
    "scope.unit": {
        "vi": "Hệ thống '{system}' không được gửi dữ liệu cho đơn vị '{id}'.",
        "en": "System '{system}' may not publish for unit '{id}'.",
    },
    "scope.kind": {
        "vi": "Hệ thống '{system}' không được gửi loại sự kiện '{type}'.",
        "en": "System '{system}' may not publish events of type '{type}'.",
    },
    # issue 12: inbound kinds — target updates, review decisions and unit register changes from other systems
    "scope.reviewer": {
        "vi": "Hệ thống '{system}' chưa được cấp vai trò thẩm định (thidua-systems add --review-as).",
        "en": "System '{system}' has been granted no reviewer role (thidua-systems add --review-as).",
    },
    "inbound.unit_body": {
        "vi": "Thao tác '{action}' cần đúng một nội dung cùng tên ('{action}'), không kèm nội dung của thao tác khác.",
        "en": "Action '{action}' needs exactly one body of the same name ('{action}') and none of another action.",
    },
    "inbound.merge_unit": {
        "vi": "Mã đơn vị '{id}' phải trùng với đơn vị kế thừa của việc hợp nhất (merge.into.unit_id).",
        "en": "Unit id '{id}' must be the merge's successor (merge.into.unit_id).",
    },
    "inbound.review_unit": {
        "vi": "Báo cáo '{submission}' là của đơn vị '{actual}', không phải '{id}'.",
        "en": "Submission '{submission}' belongs to unit '{actual}', not '{id}'.",
    },
    # issue 10: evidence files (upload through intake, GridFS, SHA-256, size and type limits)
    "evidence.too_large": {
        "vi": "Tệp minh chứng '{file}' quá lớn ({size} byte, tối đa {limit} byte).",
        "en": "Evidence file '{file}' is too large ({size} bytes, at most {limit}).",
    },
    "evidence.type": {
        "vi": "Tệp minh chứng '{file}' không thuộc loại được nhận (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS).",
        "en": "Evidence file '{file}' is not of an accepted type (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS).",
    },
    "evidence.empty": {"vi": "Tệp minh chứng '{file}' rỗng.", "en": "Evidence file '{file}' is empty."},
    "evidence.sha256_mismatch": {
        "vi": "Mã SHA-256 của tệp '{file}' là {actual}, không khớp với mã đã gửi {expected}.",
        "en": "The SHA-256 of file '{file}' is {actual}, not the {expected} sent.",
    },
    "evidence.unknown": {
        "vi": "Không có minh chứng '{id}' của đơn vị '{unit}' trong phong trào này.",
        "en": "There is no evidence '{id}' of unit '{unit}' in this campaign.",
    },
    "evidence.source": {
        "vi": "Mỗi minh chứng cần một đường dẫn (url) hoặc một mã minh chứng đã tải lên (evidence_id).",
        "en": "Each evidence entry needs a link (url) or the id of an uploaded file (evidence_id).",
    },
    # issue 13: excel — imports from XLSX/CSV (upload, mapping, dry run, confirm)
    "import.file_unreadable": {
        "vi": "Không đọc được tệp: cần một bảng tính Excel (.xlsx) hoặc một tệp CSV (UTF-8).",
        "en": "The file cannot be read: an Excel workbook (.xlsx) or a CSV file (UTF-8) is needed.",
    },
    "import.file_empty": {
        "vi": "Tệp không có dòng tiêu đề: dòng đầu tiên phải ghi tên các cột.",
        "en": "The file has no header line: its first line must name the columns.",
    },
    "import.too_many_rows": {
        "vi": "Tệp có quá nhiều dòng (tối đa {max} dòng mỗi lần nhập).",
        "en": "The file has too many rows (at most {max} per import).",
    },
    "import.kind_unknown": {
        "vi": "Không có loại dữ liệu nhập này. Các loại có: {available}.",
        "en": "No such kind of import. Available: {available}.",
    },
    "import.kind_forbidden": {
        "vi": "Vai trò của bạn không được nhập loại dữ liệu '{kind}' (đơn vị chỉ nhập chỉ tiêu và kết quả của mình).",
        "en": "Your roles may not import '{kind}' (a unit imports only its own targets and results).",
    },
    "import.campaign_required": {
        "vi": "Cần chọn phong trào thi đua cho loại dữ liệu này.",
        "en": "A campaign is needed for this kind of import.",
    },
    "import.unknown": {"vi": "Không có lần nhập tệp '{id}'.", "en": "There is no import '{id}'."},
    "import.field_unknown": {
        "vi": "Không có trường '{field}' trong loại dữ liệu này.",
        "en": "There is no field '{field}' in this kind of import.",
    },
    "import.column_unknown": {
        "vi": "Tệp không có cột '{column}'.",
        "en": "The file has no column '{column}'.",
    },
    "import.mapping_required": {
        "vi": "Cần chọn cột cho trường bắt buộc '{field}'.",
        "en": "Choose a column for the required field '{field}'.",
    },
    "import.mapping_no_values": {
        "vi": "Cần chọn cột cho ít nhất một tiêu chí.",
        "en": "Choose a column for at least one criterion.",
    },
    "import.value_required": {"vi": "Ô này không được để trống.", "en": "This cell may not be empty."},
    "import.other_unit": {
        "vi": "Bạn chỉ được nhập dữ liệu của đơn vị '{own}', không phải '{other}'.",
        "en": "You may only import data of unit '{own}', not '{other}'.",
    },
    "import.duplicate_row": {
        "vi": "Dòng này trùng với dòng {row} của tệp.",
        "en": "This row repeats row {row} of the file.",
    },
    "import.too_large": {
        "vi": "Tệp quá lớn ({size} byte, tối đa {limit} byte).",
        "en": "The file is too large ({size} bytes, at most {limit}).",
    },
    # issue 8: liveness — a campaign definition scoring can use (intake 422s), quarantine in scoring
    "field.finite": {
        "vi": "Phải là một số hữu hạn (không nhận Infinity, NaN).",
        "en": "Must be a finite number (no Infinity or NaN).",
    },
    "field.number": {"vi": "Phải là một số.", "en": "Must be a number."},
    "field.shape": {
        "vi": "Không đúng dạng mà cách chấm yêu cầu (xem GET /api/v1/scorers).",
        "en": "Not the form this scorer expects (see GET /api/v1/scorers).",
    },
    "criterion.min_above_max": {
        "vi": "Tiêu chí '{id}': giá trị nhỏ nhất ({min}) lớn hơn giá trị lớn nhất ({max}).",
        "en": "Criterion '{id}': min_value ({min}) is above max_value ({max}).",
    },
    "criterion.scorer_unknown": {
        "vi": "Tiêu chí '{id}': không có cách chấm điểm '{scorer}' (các cách chấm đã cài đặt: {known}).",
        "en": "Criterion '{id}': no scorer '{scorer}' is installed (installed: {known}).",
    },
    "criterion.param_invalid": {
        "vi": "Tiêu chí '{id}', cách chấm '{scorer}', tham số '{param}': {detail}",
        "en": "Criterion '{id}', scorer '{scorer}', parameter '{param}': {detail}",
    },
    "criterion.param_int_range": {
        "vi": "Tiêu chí '{id}': số nguyên trong tham số quá lớn (vượt quá 64 bit).",
        "en": "Criterion '{id}': an integer parameter is too large (beyond 64 bits).",
    },
    "criterion.param_not_finite": {
        "vi": "Tiêu chí '{id}': tham số phải là số hữu hạn (không nhận Infinity, NaN).",
        "en": "Criterion '{id}': parameters must be finite numbers (no Infinity or NaN).",
    },
    "criterion.param_key": {
        "vi": "Tiêu chí '{id}': tên tham số '{name}' không hợp lệ (không được chứa ký tự NUL hay bắt đầu bằng '$').",
        "en": "Criterion '{id}': parameter name '{name}' is invalid (no NUL character, no leading '$').",
    },
    "criterion.param_too_deep": {
        "vi": "Tiêu chí '{id}': tham số lồng nhau quá {depth} cấp.",
        "en": "Criterion '{id}': parameters are nested more than {depth} levels deep.",
    },
    "scoring.quarantine.definition": {
        "vi": "Không chấm điểm được theo định nghĩa phong trào '{campaign}' (phiên bản {revision}): {problems}.",
        "en": "Campaign '{campaign}' (revision {revision}) cannot be scored as defined: {problems}.",
    },
    "scoring.quarantine.repeated": {
        "vi": "Chấm điểm phong trào '{campaign}' thất bại {attempts} lần liên tiếp với cùng sự kiện {event_type}: {error}",
        "en": "Scoring campaign '{campaign}' failed {attempts} times in a row on the same {event_type} event: {error}",
    },
    "health.quarantined": {
        "vi": "Dịch vụ sẵn sàng nhưng đang tạm dừng chấm điểm {count} phong trào (cách ly); các phong trào khác vẫn được chấm.",
        "en": "The service is ready, but scoring of {count} campaign(s) is paused (quarantined); other campaigns are scored.",
    },
    # issue 11: preview — how a sample submission would score (scoring's POST /api/v1/preview)
    "preview.group_value": {
        "vi": "Tiêu chí '{id}' là nhóm tiêu chí: điểm của nhóm là tổng các tiêu chí con, chỉ nhập giá trị cho tiêu chí lá.",
        "en": "Criterion '{id}' is a group: its points are the sum of its sub-criteria; give values for leaves only.",
    },
    "preview.unconfigured": {
        "vi": "Chưa thể xem thử điểm: dịch vụ chấm điểm chưa được cấu hình xác thực an toàn ({settings}).",
        "en": "Scoring previews are unavailable: the scoring service's authentication is not safely configured "
        "({settings}).",
    },
    # campaign lifecycle, registrations and reviewer ratings
    "campaign.transition": {
        "vi": "Không thể chuyển phong trào từ trạng thái {current} sang {requested}; "
        "từ trạng thái hiện tại chỉ có thể chuyển sang: {allowed}.",
        "en": "The campaign cannot move from {current} to {requested}; from its current status it can only "
        "move to: {allowed}.",
    },
    "campaign.closed": {
        "vi": "Phong trào đã ở trạng thái {current}: không thể sửa đổi nữa.",
        "en": "The campaign is {current}: it can no longer be changed.",
    },
    "campaign.not_open": {
        "vi": "Phong trào đang ở trạng thái {current}, không nhận báo cáo kết quả; "
        "chỉ nhận khi phong trào ở trạng thái: {allowed}.",
        "en": "The campaign is {current} and does not accept submissions; it accepts them only when: {allowed}.",
    },
    "registration.not_open": {
        "vi": "Phong trào đang ở trạng thái {current}, không nhận đăng ký hay điều chỉnh chỉ tiêu; "
        "chỉ nhận khi phong trào ở trạng thái: {allowed}.",
        "en": "The campaign is {current} and does not accept registrations or target changes; it accepts them "
        "only when: {allowed}.",
    },
    "rating.not_open": {
        "vi": "Phong trào đang ở trạng thái {current}, không nhận chấm điểm thẩm định; "
        "chỉ nhận khi phong trào ở trạng thái: {allowed}.",
        "en": "The campaign is {current} and does not accept reviewer ratings; it accepts them only when: {allowed}.",
    },
    "auth.own_unit": {
        "vi": "Bạn chỉ được thao tác cho đơn vị '{own}', không phải '{other}'.",
        "en": "You may only act for unit '{own}', not '{other}'.",
    },
    "registration.unknown": {
        "vi": "Đơn vị '{unit}' chưa đăng ký thi đua trong phong trào '{campaign}'.",
        "en": "Unit '{unit}' has not registered for campaign '{campaign}'.",
    },
    "registration.revision_conflict": {
        "vi": "Bản đăng ký đã được cập nhật (phiên bản {current}); hãy tải lại rồi thử lại.",
        "en": "The registration changed (revision {current}); reload and retry.",
    },
    "registration.duplicate_target": {
        "vi": "Chỉ tiêu của tiêu chí '{criterion}' cho kỳ {period} bị khai báo nhiều lần.",
        "en": "The target of criterion '{criterion}' for period {period} is given more than once.",
    },
    "registration.target_removed": {
        "vi": "Không thể bỏ chỉ tiêu đã đăng ký của tiêu chí '{criterion}' (kỳ {period}); "
        "hãy điều chỉnh giá trị kèm lý do.",
        "en": "A registered target cannot be dropped (criterion '{criterion}', period {period}); "
        "change its value and give a reason instead.",
    },
    "registration.reason_required": {
        "vi": "Điều chỉnh chỉ tiêu phải nêu lý do (ít nhất {min} ký tự).",
        "en": "A target change needs a reason (at least {min} characters).",
    },
    "criterion.not_leaf": {
        "vi": "'{id}' là nhóm tiêu chí; chỉ tiêu và điểm chỉ gắn với tiêu chí cụ thể (không có tiêu chí con).",
        "en": "'{id}' is a group of criteria; targets and ratings belong to criteria without children.",
    },
    "target.reviewer_rated": {
        "vi": "Tiêu chí '{id}' do cán bộ thẩm định chấm, không đăng ký chỉ tiêu.",
        "en": "Criterion '{id}' is rated by reviewers and takes no target.",
    },
    "value.reviewer_rated": {
        "vi": "Tiêu chí này do cán bộ thẩm định chấm; đơn vị không tự báo cáo giá trị cho tiêu chí '{id}'.",
        "en": "This criterion is rated by reviewers; units do not report a value for '{id}'.",
    },
    "rating.not_reviewer": {
        "vi": "Tiêu chí '{id}' không do cán bộ thẩm định chấm (cách tính điểm: {scorer}).",
        "en": "Criterion '{id}' is not rated by reviewers (scorer: {scorer}).",
    },
    "rating.no_cluster": {
        "vi": "Đơn vị '{unit}' không thuộc cụm, khối thi đua nào: chỉ Ban Thi đua – Khen thưởng được chấm.",
        "en": "Unit '{unit}' belongs to no cluster: only the commendation board may rate it.",
    },
    "rating.not_cluster_lead": {
        "vi": "Chỉ đơn vị cụm trưởng hoặc cụm phó của cụm '{cluster}' năm {year} mới được chấm đơn vị '{unit}'.",
        "en": "Only the head or deputy of cluster '{cluster}' in {year} may rate unit '{unit}'.",
    },
    "submission.accepted": {
        "vi": "Đã nhận báo cáo; điểm sẽ được tính trong giây lát.",
        "en": "Submission accepted; it will be scored shortly.",
    },
    # issue 8: a unit that left the campaign
    "rating.not_participant": {
        "vi": "Đơn vị '{unit}' không còn tham gia phong trào nên không thuộc cụm, khối thi đua nào: "
        "chỉ Ban Thi đua – Khen thưởng được chấm.",
        "en": "Unit '{unit}' no longer takes part in the campaign, so it belongs to no cluster: "
        "only the commendation board may rate it.",
    },
    # verification of submissions (kiểm tra, thẩm định) and appeals
    "submission.unknown": {"vi": "Không có báo cáo kết quả '{id}'.", "en": "No submission '{id}'."},
    "review.status.pending": {"vi": "chờ thẩm định", "en": "awaiting review"},
    "review.status.approved": {"vi": "đã phê duyệt", "en": "approved"},
    "review.status.returned": {"vi": "đã trả lại để bổ sung", "en": "returned for correction"},
    "review.status.rejected": {"vi": "đã từ chối", "en": "rejected"},
    "review.level.cluster": {"vi": "cụm trưởng, khối trưởng", "en": "cluster head"},
    "review.level.board": {"vi": "Ban Thi đua – Khen thưởng", "en": "commendation board"},
    "review.level.chair": {"vi": "Chủ tịch UBND", "en": "chairperson"},
    "review.done.approved": {
        "vi": "Đã phê duyệt báo cáo; điểm sẽ được xác nhận trong giây lát.",
        "en": "Submission approved; its scores will be confirmed shortly.",
    },
    "review.done.returned": {
        "vi": "Đã trả lại báo cáo; đơn vị chỉ cần bổ sung các tiêu chí được nêu lý do.",
        "en": "Submission returned; the unit resubmits only the criteria given a reason.",
    },
    "review.done.rejected": {"vi": "Đã từ chối báo cáo.", "en": "Submission rejected."},
    "review.no_cluster": {
        "vi": "Đơn vị '{unit}' không thuộc cụm, khối thi đua nào: chỉ Ban Thi đua – Khen thưởng được thẩm định.",
        "en": "Unit '{unit}' belongs to no cluster: only the commendation board may review it.",
    },
    "review.not_cluster_lead": {
        "vi": "Chỉ đơn vị cụm trưởng hoặc cụm phó của cụm '{cluster}' năm {year} mới được thẩm định báo cáo "
        "của đơn vị '{unit}'.",
        "en": "Only the head or deputy of cluster '{cluster}' in {year} may review unit '{unit}'.",
    },
    "review.superseded": {
        "vi": "Đơn vị đã gửi báo cáo mới hơn cho kỳ này; chỉ báo cáo mới nhất được thẩm định, bổ sung hoặc khiếu nại.",
        "en": "The unit has sent a newer submission for this period; only the latest may be reviewed, "
        "resubmitted or appealed.",
    },
    "review.appealed": {
        "vi": "Báo cáo đang hoặc đã được khiếu nại: kết quả do cấp giải quyết khiếu nại quyết định.",
        "en": "The submission has been appealed: the level deciding the appeal has the last word.",
    },
    "review.decided": {
        "vi": "Báo cáo đã được {level} thẩm định ({state}); không thẩm định lại ở cấp này.",
        "en": "The submission was already reviewed by the {level} ({state}); it cannot be reviewed again at "
        "this level.",
    },
    "review.reasons_required": {
        "vi": "Trả lại báo cáo phải nêu lý do cho từng tiêu chí cần bổ sung (ít nhất một tiêu chí).",
        "en": "Returning a submission needs a reason for each criterion to correct (at least one).",
    },
    "review.criterion_not_submitted": {
        "vi": "Tiêu chí '{id}' không có trong báo cáo này.",
        "en": "Criterion '{id}' is not in this submission.",
    },
    "review.criterion_reason_missing": {
        "vi": "Thiếu lý do trả lại tiêu chí '{id}'.",
        "en": "The reason for returning criterion '{id}' is empty.",
    },
    "review.reasons_only_on_return": {
        "vi": "Lý do theo từng tiêu chí chỉ dùng khi trả lại báo cáo.",
        "en": "Reasons per criterion are only given when returning a submission.",
    },
    "review.reason_required": {
        "vi": "Từ chối báo cáo phải nêu lý do.",
        "en": "Rejecting a submission needs a reason.",
    },
    "review.concurrent": {
        "vi": "Báo cáo vừa được người khác xử lý; hãy tải lại rồi thử lại.",
        "en": "Someone else just acted on this submission; reload and retry.",
    },
    "resubmit.not_returned": {
        "vi": "Chỉ bổ sung được báo cáo đã bị trả lại; báo cáo này {state}.",
        "en": "Only a returned submission can be resubmitted; this one is {state}.",
    },
    "resubmit.appeal_pending": {
        "vi": "Báo cáo đang chờ giải quyết khiếu nại; chưa thể bổ sung.",
        "en": "The submission's appeal is pending; it cannot be resubmitted yet.",
    },
    "resubmit.not_returned_criterion": {
        "vi": "Tiêu chí '{id}' không bị trả lại: chỉ gửi lại giá trị của các tiêu chí bị trả lại.",
        "en": "Criterion '{id}' was not returned: send only the values of the returned criteria.",
    },
    "resubmit.missing": {
        "vi": "Thiếu giá trị mới cho tiêu chí bị trả lại '{id}'.",
        "en": "A new value for the returned criterion '{id}' is missing.",
    },
    "appeal.once": {
        "vi": "Mỗi quyết định chỉ được khiếu nại một lần; báo cáo này đã được khiếu nại.",
        "en": "A decision may be appealed only once; this submission has already been appealed.",
    },
    "appeal.not_appealable": {
        "vi": "Chỉ khiếu nại được quyết định trả lại hoặc từ chối; báo cáo này {state}.",
        "en": "Only a return or a rejection can be appealed; this submission is {state}.",
    },
    "appeal.last_level": {
        "vi": "Quyết định của Chủ tịch UBND là quyết định cuối cùng, không còn cấp khiếu nại cao hơn.",
        "en": "The chairperson's decision is final: there is no higher level to appeal to.",
    },
    "appeal.reason_required": {
        "vi": "Phải nêu lý do (ít nhất {min} ký tự).",
        "en": "A reason is required (at least {min} characters).",
    },
    "appeal.none": {"vi": "Báo cáo này không có khiếu nại nào.", "en": "This submission has not been appealed."},
    "appeal.decided": {
        "vi": "Khiếu nại đã được giải quyết; không giải quyết lại.",
        "en": "The appeal has already been decided.",
    },
    "appeal.decider_role": {
        "vi": "Khiếu nại này do {level} giải quyết (vai trò {role}).",
        "en": "This appeal is decided by the {level} (role {role}).",
    },
    "appeal.upheld_decision": {
        "vi": "Giữ nguyên thì quyết định vẫn là '{decision}'; không ghi quyết định khác.",
        "en": "Upholding keeps the decision '{decision}'; do not give another one.",
    },
    "appeal.overturn_decision": {
        "vi": "Hủy quyết định '{decision}' thì phải nêu quyết định mới khác (approve, return hoặc reject).",
        "en": "Overturning '{decision}' needs a different final decision (approve, return or reject).",
    },
    "appeal.done": {
        "vi": "Đã gửi khiếu nại lên {level}.",
        "en": "Appeal sent to the {level}.",
    },
    # issue 8: approved periods are locked; reopening; a unit that left the campaign
    "review.not_participant": {
        "vi": "Đơn vị '{unit}' không còn tham gia phong trào nên không thuộc cụm, khối thi đua nào: "
        "chỉ Ban Thi đua – Khen thưởng được thẩm định báo cáo này.",
        "en": "Unit '{unit}' no longer takes part in the campaign, so it belongs to no cluster: "
        "only the commendation board may review this submission.",
    },
    "submission.period_approved": {
        "vi": "Kết quả kỳ {period} của đơn vị '{unit}' đã được phê duyệt (báo cáo '{id}') nên kỳ này đã khóa, "
        "không nhận báo cáo mới. Muốn thay đổi, đề nghị cấp đã phê duyệt mở lại báo cáo đó (nêu lý do) "
        "rồi gửi báo cáo mới.",
        "en": "The results of unit '{unit}' for {period} were approved (submission '{id}'), so the period is "
        "locked and takes no new submission. To change them, ask the level that approved it to reopen that "
        "submission (with a reason), then submit again.",
    },
    "reopen.not_approved": {
        "vi": "Chỉ mở lại được báo cáo đã phê duyệt; báo cáo này {state}.",
        "en": "Only an approved submission can be reopened; this one is {state}.",
    },
    "reopen.level": {
        "vi": "Báo cáo được {level} phê duyệt: chỉ cấp đó hoặc cấp cao hơn được mở lại.",
        "en": "The submission was approved by the {level}: only that level or a higher one may reopen it.",
    },
    "reopen.reason_required": {
        "vi": "Mở lại báo cáo đã phê duyệt phải nêu lý do (ít nhất {min} ký tự).",
        "en": "Reopening an approved submission needs a reason (at least {min} characters).",
    },
    "reopen.done": {
        "vi": "Đã mở lại báo cáo: kết quả không còn là kết quả đã thẩm định, báo cáo chờ thẩm định lại "
        "và đơn vị được gửi báo cáo mới cho kỳ này.",
        "en": "Submission reopened: its results are no longer verified, it awaits review again and the unit "
        "may submit again for the period.",
    },
    # issue 10: the review queue and a unit's periods (GET /api/v1/submissions)
    "queue.unit_not_led": {
        "vi": "Bạn chỉ được xem báo cáo của các đơn vị thuộc cụm, khối thi đua mà đơn vị '{own}' làm cụm trưởng "
        "hoặc cụm phó; đơn vị '{other}' không thuộc các cụm, khối đó.",
        "en": "You may only see the submissions of the units of the clusters that unit '{own}' heads or "
        "deputises; unit '{other}' is not in them.",
    },
    "queue.bad_cursor": {
        "vi": "Con trỏ trang không hợp lệ: hãy dùng đúng giá trị 'next' của trang trước (với cùng tham số queue).",
        "en": "Invalid page cursor: pass the 'next' value of the previous page (with the same queue parameter).",
    },
    # unit registry: hierarchy, renames, merges and splits
    "unit.not_found": {
        "vi": "Không có đơn vị '{id}' trong danh mục đơn vị.",
        "en": "No unit '{id}' in the unit registry.",
    },
    "unit.inactive": {
        "vi": "Đơn vị '{id}' không còn hoạt động (trạng thái: {state}).",
        "en": "Unit '{id}' is no longer active (status: {state}).",
    },
    "unit.state.active": {"vi": "đang hoạt động", "en": "active"},
    "unit.state.merged": {"vi": "đã hợp nhất", "en": "merged"},
    "unit.state.split": {"vi": "đã chia tách", "en": "split"},
    "unit.state.dissolved": {"vi": "đã giải thể", "en": "dissolved"},
    "unit.exists": {
        "vi": "Mã đơn vị '{id}' đã được dùng; đơn vị mới phải có mã mới.",
        "en": "Unit id '{id}' is already taken; a new unit needs a new id.",
    },
    "unit.merge_self": {
        "vi": "Không thể hợp nhất đơn vị '{id}' với chính nó.",
        "en": "Unit '{id}' cannot be merged with itself.",
    },
    "unit.split_self": {
        "vi": "Đơn vị '{id}' không thể là đơn vị được chia tách ra từ chính nó; hãy dùng mã mới.",
        "en": "Unit '{id}' cannot be one of its own split successors; use a new id.",
    },
    "unit.duplicate": {"vi": "Mã đơn vị '{id}' bị lặp lại.", "en": "Unit id '{id}' is repeated."},
    "unit.cycle": {
        "vi": "Không thể đặt '{parent}' làm đơn vị cấp trên của '{id}': cây đơn vị sẽ có vòng lặp ({path}).",
        "en": "'{parent}' cannot be the parent of '{id}': the hierarchy would loop ({path}).",
    },
    "unit.effective_before": {
        "vi": "Ngày hiệu lực {effective} phải sau ngày {valid_from} là ngày bắt đầu hiệu lực của đơn vị '{id}'.",
        "en": "The effective date {effective} must be after {valid_from}, when unit '{id}' took effect.",
    },
    "unit.same_name": {
        "vi": "Tên mới trùng với tên hiện tại của đơn vị '{id}'.",
        "en": "The new name is the current name of unit '{id}'.",
    },
    "unit.parent_ends": {
        "vi": "Đơn vị '{id}' chấm dứt hoạt động trong chính thay đổi này nên không thể làm đơn vị cấp trên.",
        "en": "Unit '{id}' ends with this very change and cannot be the parent.",
    },
    "unit.revision_conflict": {
        "vi": "Đơn vị đã được cập nhật (phiên bản {current}); hãy tải lại rồi thử lại.",
        "en": "The unit changed (revision {current}); reload and retry.",
    },
    # issue 11: units-audit — why the audit chain does not hold (GET /api/v1/audit/verify)
    "audit.break.missing": {
        "vi": "Thiếu bản ghi số {missing} (có thể đã bị xóa): bản ghi kế tiếp được lưu là số {next}.",
        "en": "Record(s) {missing} missing (deleted?): the next stored record is {next}.",
    },
    "audit.break.order": {
        "vi": "Bản ghi số {seq} không đúng thứ tự: tìm thấy số {found} (trùng lặp hoặc bị sắp xếp lại).",
        "en": "Record {seq} is out of order: found {found} (duplicated or reordered).",
    },
    "audit.break.tenant": {
        "vi": "Bản ghi số {seq} thuộc địa phương khác ({found}).",
        "en": "Record {seq} belongs to another tenant ({found}).",
    },
    "audit.break.hash": {
        "vi": "Mã băm của bản ghi số {seq} không khớp với nội dung (một trường của bản ghi đã bị sửa): "
        "lưu {stored}, tính lại {computed}.",
        "en": "The hash of record {seq} does not match its content (a field was changed): "
        "stored {stored}, recomputed {computed}.",
    },
    "audit.break.link": {
        "vi": "Bản ghi số {seq} không nối với bản ghi số {previous}: mã băm trước ghi {found}, "
        "mã băm của bản ghi số {previous} là {expected}.",
        "en": "Record {seq} does not link to record {previous}: its previous hash is {found}, "
        "record {previous} has hash {expected}.",
    },
    "audit.break.tail_missing": {
        "vi": "Thiếu các bản ghi cuối từ số {first} đến số {head} (đầu chuỗi ghi số {head}).",
        "en": "Records {first}–{head} are missing at the end (the head says {head}).",
    },
    "audit.break.tail_extra": {
        "vi": "Có bản ghi sau số {head} là số cuối của đầu chuỗi (không được ghi qua đầu chuỗi).",
        "en": "Records follow {head}, the head's last (not appended through the head).",
    },
    # commendation configuration and nominations (đề nghị khen thưởng)
    "commendation.no_config": {
        "vi": "Chưa có cấu hình thi đua, khen thưởng cho đơn vị quản lý này; Ban Thi đua – Khen thưởng cần khai báo trước.",
        "en": "This tenant has no commendation configuration yet; the commendation board must set one first.",
    },
    "commendation.revision_conflict": {
        "vi": "Cấu hình khen thưởng đã được cập nhật (phiên bản {current}); hãy tải lại rồi thử lại.",
        "en": "The commendation configuration changed (revision {current}); reload and retry.",
    },
    "nomination.unknown": {"vi": "Không có hồ sơ đề nghị khen thưởng '{id}'.", "en": "No nomination '{id}'."},
    "nomination.unknown_award": {
        "vi": "Hình thức khen thưởng '{id}' không có trong cấu hình của đơn vị quản lý.",
        "en": "Award kind '{id}' is not configured for this tenant.",
    },
    "nomination.award_unconfigured": {
        "vi": "Hình thức khen thưởng '{id}' đã bị bỏ khỏi cấu hình: không thể xử lý tiếp hồ sơ.",
        "en": "Award kind '{id}' was removed from the configuration: the nomination cannot move on.",
    },
    "nomination.nominee_kind": {
        "vi": "«{award}» chỉ xét cho đối tượng loại '{kind}'.",
        "en": "“{award}” is only for nominees of kind '{kind}'.",
    },
    "nomination.person_required": {
        "vi": "Đề nghị khen thưởng cá nhân phải có mã cá nhân (person_id).",
        "en": "An individual nomination needs the person's id (person_id).",
    },
    "nomination.missing_document": {
        "vi": "Hồ sơ thiếu tài liệu bắt buộc loại '{kind}'.",
        "en": "The dossier lacks a required document of kind '{kind}'.",
    },
    "nomination.rules": {
        "vi": "Đề nghị không đáp ứng quy định khen thưởng: {rules}",
        "en": "The nomination breaks the commendation rules: {rules}",
    },
    "rule.prerequisite": {
        "vi": "Chưa đủ {years} năm liên tục đạt {award} (chưa đạt năm {missing}).",
        "en": "Not {years} consecutive years of {award} (missing {missing}).",
    },
    "rule.quota": {
        "vi": "Vượt tỷ lệ {share} số đạt {of} của đơn vị '{unit}' năm {year}: {holders} người đạt, "
        "tối đa {max} đề nghị, đã có {count}.",
        "en": "Over the {share} quota of {of} holders of unit '{unit}' in {year}: {holders} holders, "
        "at most {max}, already {count}.",
    },
    "rule.freeze.discipline": {"vi": "Đang bị xem xét kỷ luật: {reason}.", "en": "Discipline pending: {reason}."},
    "rule.freeze.inspection": {
        "vi": "Đang trong thời gian thanh tra, kiểm tra: {reason}.",
        "en": "Under inspection: {reason}.",
    },
    "rule.freeze.complaint": {
        "vi": "Đang có khiếu nại, tố cáo chưa giải quyết: {reason}.",
        "en": "A complaint is pending: {reason}.",
    },
    "rule.double_award": {
        "vi": "Đã được khen thưởng cho thành tích này ({award} năm {year}).",
        "en": "Already awarded for this achievement ({award}, {year}).",
    },
    "rule.double_pending": {
        "vi": "Đã có hồ sơ đề nghị {award} năm {year} cho đối tượng này đang được xử lý ({id}).",
        "en": "A nomination for {award} in {year} for this nominee is already in progress ({id}).",
    },
    "nomination.not_open": {
        "vi": "Hồ sơ đang ở trạng thái {state}: không thể thực hiện thao tác này.",
        "en": "The nomination is {state}: this action is not possible.",
    },
    "nomination.not_returned": {
        "vi": "Chỉ nộp lại được hồ sơ đã bị trả lại; hồ sơ đang ở trạng thái {state}.",
        "en": "Only a returned nomination can be resubmitted; this one is {state}.",
    },
    "nomination.stage_unknown": {
        "vi": "Bước '{stage}' của hồ sơ không còn trong quy trình đã cấu hình.",
        "en": "The nomination's stage '{stage}' is no longer in the configured chain.",
    },
    "nomination.stage_mismatch": {
        "vi": "Hồ sơ không ở bước '{stage}' mà đang ở bước '{current}'.",
        "en": "The nomination is not at stage '{stage}' but at '{current}'.",
    },
    "nomination.illegal_action": {
        "vi": "Không thể '{action}' ở bước '{stage}'; các thao tác được phép: {allowed}.",
        "en": "'{action}' is not possible at stage '{stage}'; allowed: {allowed}.",
    },
    "nomination.role": {
        "vi": "Chỉ vai trò '{role}' được xử lý hồ sơ ở bước «{stage}».",
        "en": "Only the role '{role}' may act at the “{stage}” stage.",
    },
    "nomination.withdraw_role": {
        "vi": "Chỉ lãnh đạo đơn vị đề nghị hoặc Ban Thi đua – Khen thưởng được rút hồ sơ.",
        "en": "Only the nominating unit's leader or the commendation board may withdraw a nomination.",
    },
    "nomination.reason_required": {
        "vi": "Phải nêu lý do (ít nhất {min} ký tự).",
        "en": "A reason is required (at least {min} characters).",
    },
    "nomination.comment_empty": {"vi": "Ý kiến góp ý không được để trống.", "en": "The comment is empty."},
    "nomination.frozen": {
        "vi": "Tạm dừng xét khen thưởng: {reasons}",
        "en": "The award is frozen: {reasons}",
    },
    "nomination.window_open": {
        "vi": "Thời hạn công khai chưa kết thúc (đến {closes}): chưa thể chuyển bước.",
        "en": "The disclosure window is still open (until {closes}): the stage cannot pass yet.",
    },
    "nomination.window_closed": {
        "vi": "Thời hạn công khai đã kết thúc ({closes}): không nhận thêm ý kiến.",
        "en": "The disclosure window has closed ({closes}): no more comments.",
    },
    "nomination.vote_count": {
        "vi": "Tổng số phiếu ({cast}) vượt quá số thành viên ({members}).",
        "en": "More votes ({cast}) than members ({members}).",
    },
    "nomination.revision_conflict": {
        "vi": "Hồ sơ đề nghị đã được cập nhật (phiên bản {current}); hãy tải lại rồi thử lại.",
        "en": "The nomination changed (revision {current}); reload and retry.",
    },
    "nomination.clock_override": {
        "vi": "Hệ thống không cho phép kiểm tra quá hạn theo một ngày khác.",
        "en": "This deployment does not allow checking as of another day.",
    },
    # issue 8: who comments during disclosure; the auditor is read-only
    "nomination.comment_role": {
        "vi": "Trong thời gian công khai, chỉ các vai trò {roles} được góp ý về hồ sơ «{award}».",
        "en": "During disclosure, only the roles {roles} may comment on “{award}” nominations.",
    },
    "commendation.comment_role_auditor": {
        "vi": "Kiểm toán viên (auditor) chỉ được xem, không thể là vai trò góp ý.",
        "en": "The auditor is read-only and cannot be a commenting role.",
    },
    "commendation.stage_role_auditor": {
        "vi": "Kiểm toán viên (auditor) chỉ được xem, không thể xử lý một bước của quy trình.",
        "en": "The auditor is read-only and cannot act in a stage of the chain.",
    },
    "commendation.role_repeated": {
        "vi": "Vai trò '{role}' được nêu nhiều lần.",
        "en": "Role '{role}' is listed more than once.",
    },
    # 11: board (holidays with names)
    "commendation.holiday_repeats": {
        "vi": "Ngày {date} đã có trong lịch nghỉ lễ; mỗi ngày chỉ khai báo một lần.",
        "en": "{date} is already in the holidays; each date is given once.",
    },
    "commendation.holiday_name_chars": {
        "vi": "Tên ngày lễ không được chứa ký tự điều khiển (như xuống dòng).",
        "en": "A holiday's name may not hold control characters (such as a line break).",
    },
    # issue 15: deadlines — the tenant's deadline settings and the deadline check
    "deadline.unknown_role": {
        "vi": "Vai trò '{role}' không dùng được trong thang nhắc việc.",
        "en": "Role '{role}' cannot be used in an escalation ladder.",
    },
    "deadline.ladder_order": {
        "vi": "Các bước của thang nhắc việc phải theo thứ tự số ngày làm việc tăng dần, không trùng nhau.",
        "en": "The steps of an escalation ladder must be in strictly increasing order of working days.",
    },
    "deadline.clock_override": {
        "vi": "Chỉ chạy kiểm tra hạn theo ngày khác (as_of) ở môi trường phát triển.",
        "en": "The deadline check runs as of another day (as_of) only in development.",
    },
    # issue 11: dossier — a nomination's documents uploaded as files (GridFS, SHA-256 counted by intake)
    "dossier.too_large": {
        "vi": "Tài liệu hồ sơ '{file}' quá lớn ({size} byte, tối đa {limit} byte).",
        "en": "Dossier document '{file}' is too large ({size} bytes, at most {limit}).",
    },
    "dossier.type": {
        "vi": "Tài liệu hồ sơ '{file}' không thuộc loại được nhận (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS).",
        "en": "Dossier document '{file}' is not of an accepted type (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS).",
    },
    "dossier.empty": {"vi": "Tài liệu hồ sơ '{file}' rỗng.", "en": "Dossier document '{file}' is empty."},
    "dossier.unit_required": {
        "vi": "Cần nêu đơn vị (unit_id) mà tài liệu hồ sơ thuộc về.",
        "en": "Name the unit (unit_id) the dossier document belongs to.",
    },
    "dossier.unknown": {
        "vi": "Không có tài liệu đã tải lên '{id}' của đơn vị '{unit}' (mã sai hoặc tệp của đơn vị khác).",
        "en": "There is no uploaded document '{id}' of unit '{unit}' (a wrong id or another unit's file).",
    },
    "dossier.source": {
        "vi": "Mỗi tài liệu cần mã tệp đã tải lên (document_id), hoặc đủ tên, đường dẫn, mã SHA-256 và dung lượng.",
        "en": "Each document needs the id of an uploaded file (document_id), or a name, link, SHA-256 and size.",
    },
    "dossier.missing_file": {
        "vi": "Hồ sơ thiếu tài liệu bắt buộc loại '{kind}' dưới dạng tệp đã tải lên.",
        "en": "The dossier lacks a required document of kind '{kind}' as an uploaded file.",
    },
    "dossier.document_unknown": {
        "vi": "Hồ sơ '{nomination}' không có tài liệu '{id}'.",
        "en": "Nomination '{nomination}' has no document '{id}'.",
    },
    # issue 11: ballots — each council member votes on their own; the board or the chair closes the vote
    "ballot.closed": {
        "vi": "Cuộc biểu quyết hồ sơ này đã kết thúc hoặc hồ sơ không ở bước biểu quyết (đang ở trạng thái {state}, "
        "bước {stage}): không nhận phiếu.",
        "en": "The vote on this nomination is closed or the nomination is not at a vote stage (it is {state}, "
        "stage {stage}): no ballot is taken.",
    },
    "ballot.not_member": {
        "vi": "Chỉ thành viên Hội đồng Thi đua – Khen thưởng (vai trò council_member) được bỏ phiếu.",
        "en": "Only members of the emulation and commendation council (role council_member) may cast a ballot.",
    },
    "ballot.close_role": {
        "vi": "Chỉ Ban Thi đua – Khen thưởng hoặc Chủ tịch được kết thúc cuộc biểu quyết.",
        "en": "Only the commendation board or the chairperson may close the vote.",
    },
    "ballot.tally_role": {
        "vi": "Chỉ thành viên Hội đồng, Ban Thi đua – Khen thưởng và Chủ tịch được xem kết quả kiểm phiếu.",
        "en": "Only council members, the commendation board and the chairperson may see the tally.",
    },
    "ballot.council_size_unset": {
        "vi": "Cấu hình khen thưởng chưa khai báo số thành viên Hội đồng (council_members): chưa thể kiểm phiếu.",
        "en": "The commendation configuration does not state the council's size (council_members): "
        "the vote cannot be counted.",
    },
    "ballot.council_full": {
        "vi": "Đã đủ {members} phiếu của {members} thành viên Hội đồng: không nhận thêm phiếu.",
        "en": "All {members} council members have cast their ballots: no more ballots are taken.",
    },
    "ballot.more_than_members": {
        "vi": "Số phiếu đã bỏ ({cast}) nhiều hơn số thành viên Hội đồng đã cấu hình ({members}).",
        "en": "More ballots ({cast}) than the configured council members ({members}).",
    },
    "ballot.none_cast": {
        "vi": "Chưa có thành viên nào bỏ phiếu: chưa thể kết thúc cuộc biểu quyết.",
        "en": "No member has cast a ballot yet: the vote cannot be closed.",
    },
    "conflict.own_unit.ballot": {
        "vi": "Quy tắc xung đột lợi ích: không ai được bỏ phiếu cho hồ sơ đề nghị khen thưởng của chính đơn vị mình "
        "(bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody votes on a nomination of their own unit (you act for unit '{unit}').",
    },
    "conflict.own_unit.close_vote": {
        "vi": "Quy tắc xung đột lợi ích: không ai được kết thúc cuộc biểu quyết hồ sơ đề nghị khen thưởng của chính "
        "đơn vị mình (bạn thao tác cho đơn vị '{unit}').",
        "en": "Conflict-of-interest rule: nobody closes the vote on a nomination of their own unit "
        "(you act for unit '{unit}').",
    },
    # issue 13: award papers — the decision batch (quyết định, tờ trình), documents and certificates
    "award_papers.repeated": {
        "vi": "Hồ sơ đề nghị '{id}' được chọn hai lần.",
        "en": "Nomination '{id}' is chosen twice.",
    },
    "award_papers.not_approved": {
        "vi": "Hồ sơ đề nghị '{id}' chưa được Chủ tịch phê duyệt khen thưởng.",
        "en": "Nomination '{id}' is not approved by the chairperson yet.",
    },
    "award_papers.already_approved": {
        "vi": "Hồ sơ đề nghị này đã được phê duyệt, đang chờ vào quyết định.",
        "en": "This nomination is already approved and waits for a decision.",
    },
    "award_papers.not_at_decision": {
        "vi": "Hồ sơ đề nghị '{id}' không ở bước quyết định (hoặc đã có quyết định).",
        "en": "Nomination '{id}' is not at the decision stage (or is already decided).",
    },
    "award_papers.signer": {
        "vi": "Các hồ sơ được chọn không cùng một người ký, hoặc chưa cấu hình người ký quyết định.",
        "en": "The chosen nominations have different signers, or no signer of the decision is configured.",
    },
    "award_papers.request_reused": {
        "vi": "Mã yêu cầu '{id}' đã dùng cho một quyết định với danh sách hồ sơ khác.",
        "en": "Request id '{id}' was already used for a decision with other nominations.",
    },
    "award_papers.no_settings": {
        "vi": "Chưa cấu hình cơ quan ban hành quyết định và tờ trình (PUT /api/v1/award-decisions/settings).",
        "en": "The agencies issuing decisions and submissions are not configured (PUT /api/v1/award-decisions/settings).",
    },
    "award_papers.unknown_decision": {
        "vi": "Không có quyết định khen thưởng '{id}'.",
        "en": "No award decision '{id}'.",
    },
    "award_papers.unknown_awardee": {
        "vi": "Quyết định '{decision}' không có người/tập thể được khen theo hồ sơ '{id}'.",
        "en": "Decision '{decision}' has no awardee of nomination '{id}'.",
    },
    "award_papers.pdf_failed": {
        "vi": "Không chuyển được văn bản sang PDF; vui lòng thử lại sau.",
        "en": "The document could not be converted to PDF; please try again later.",
    },
    "award_papers.calibration_field": {
        "vi": "Vị trí của trường '{field}' nằm ngoài khổ phôi {width}×{height} mm.",
        "en": "The position of field '{field}' lies outside the {width}×{height} mm blank.",
    },
    # issue 9: scoring — why a score was (re)computed (ScoreCause.detail_vi/detail_en)
    "scoring.cause.submission": {
        "vi": "Đơn vị gửi báo cáo kết quả {period}.",
        "en": "The unit submitted its results for {period}.",
    },
    "scoring.cause.rating": {
        "vi": "Cán bộ thẩm định chấm điểm {period}.",
        "en": "A reviewer rated {period}.",
    },
    "scoring.cause.rating.comment": {
        "vi": "Cán bộ thẩm định chấm điểm {period}: {comment}",
        "en": "A reviewer rated {period}: {comment}",
    },
    "scoring.cause.review.approve": {
        "vi": "Kết quả đã được thẩm định, phê duyệt",
        "en": "The results were verified and approved.",
    },
    "scoring.cause.review.reject": {
        "vi": "Kết quả bị từ chối khi thẩm định.",
        "en": "The results were rejected on review.",
    },
    "scoring.cause.review.return": {
        "vi": "Kết quả bị trả lại khi thẩm định.",
        "en": "The results were returned on review.",
    },
    "scoring.cause.reopen": {
        "vi": "Kết quả đã phê duyệt được mở lại để thẩm định lại: {reason}",
        "en": "The approved results were reopened for review: {reason}",
    },
    "scoring.cause.target": {
        "vi": "Chỉ tiêu «{criterion}» ({when}) đổi từ {old} thành {new}: {reason}",
        "en": "Target of '{criterion}' ({when}) changed from {old} to {new}: {reason}",
    },
    "scoring.cause.target.every_period": {"vi": "mọi kỳ", "en": "every period"},
    "scoring.cause.target.none": {"vi": "chưa có", "en": "none"},
    "scoring.cause.registration": {
        "vi": "Đơn vị đăng ký hoặc cập nhật chỉ tiêu thi đua.",
        "en": "The unit registered or updated its targets.",
    },
    "scoring.cause.registration.reason": {
        "vi": "Đơn vị đăng ký hoặc cập nhật chỉ tiêu thi đua: {reason}",
        "en": "The unit registered or updated its targets: {reason}",
    },
    "scoring.cause.criteria": {
        "vi": "Bảng tiêu chí đổi từ phiên bản {old} sang {new}.",
        "en": "Criteria changed from version {old} to {new}.",
    },
    "scoring.cause.criteria.reason": {
        "vi": "Bảng tiêu chí đổi từ phiên bản {old} sang {new}: {reason}",
        "en": "Criteria changed from version {old} to {new}: {reason}",
    },
    "scoring.cause.campaign": {
        "vi": "Danh sách đơn vị, cụm thi đua hoặc mức điểm tối đa của phong trào thay đổi.",
        "en": "The campaign's units, clusters or maximum changed.",
    },
    "scoring.cause.cohort": {
        "vi": "Điểm được tính lại vì kết quả của cụm thi đua thay đổi (tiêu chí so sánh giữa các đơn vị "
        "trong cụm): {cause}",
        "en": "Recomputed because results in the cluster changed (a criterion compares cluster members): {cause}",
    },
    # notifications
    "mail.score.subject": {
        "vi": "[Thi Đua] {unit}: kết quả {period} – {total}/{max} điểm",
        "en": "[Thi Đua] {unit}: results for {period} – {total}/{max} points",
    },
    "mail.score.body": {
        "vi": "Kính gửi {unit},\n\nBáo cáo kết quả {period} của đơn vị trong phong trào «{campaign}» "
        "đã được chấm điểm (tạm tính) lúc {time}.\n\nTổng điểm: {total}/{max} điểm.\n\n{lines}\n\n"
        "Điểm tạm tính sẽ được xác nhận sau khi thẩm định.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear {unit},\n\nYour results for {period} in the campaign “{campaign}” were scored "
        "(provisional) at {time}.\n\nTotal: {total}/{max} points.\n\n{lines}\n\n"
        "Provisional scores are confirmed after verification.\n\nRegards,\nThi Đua",
    },
    # issue 8: liveness — a campaign quarantined by scoring, told to the commendation board
    "mail.scoring_quarantine.subject": {
        "vi": "[Thi Đua] Tạm dừng chấm điểm phong trào «{campaign}»: định nghĩa hoặc dữ liệu không chấm được",
        "en": "[Thi Đua] Scoring paused for campaign “{campaign}”: it cannot be scored",
    },
    "mail.scoring_quarantine.body": {
        "vi": "Kính gửi Ban Thi đua – Khen thưởng,\n\nHệ thống đã tạm dừng chấm điểm phong trào «{campaign}» "
        "(mã {campaign_id}, phiên bản {revision}) lúc {time}, vì: {reason}\n\n{details}"
        "Các phong trào khác vẫn được chấm điểm bình thường. Báo cáo của các đơn vị gửi cho phong trào này "
        "trong thời gian tạm dừng vẫn được giữ lại (hiện có {held} sự kiện) và sẽ được chấm ngay khi Ban "
        "cập nhật định nghĩa phong trào đã sửa (PUT /api/v1/campaigns/{campaign_id}).\n\n"
        "Sự kiện gây lỗi: {events}.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear Commendation Board,\n\nScoring of the campaign “{campaign}” (id {campaign_id}, revision "
        "{revision}) was paused at {time} because: {reason}\n\n{details}Other campaigns are scored as usual. "
        "Reports sent for this campaign meanwhile are kept ({held} events so far) and scored as soon as the "
        "board puts a corrected definition (PUT /api/v1/campaigns/{campaign_id}).\n\nOffending events: "
        "{events}.\n\nRegards,\nThi Đua",
    },
    # issue 12: dead letters — `thidua-deadletters` (list, show, replay) and notify's digest of new ones
    "deadletters.unknown_topic": {
        "vi": "Không có chủ đề thư lỗi '{topic}'. Các chủ đề thư lỗi: {topics}.",
        "en": "There is no dead-letter topic '{topic}'. Dead-letter topics: {topics}.",
    },
    "deadletters.bad_time": {
        "vi": "Thời điểm '{value}' không hợp lệ: ghi theo dạng 2026-11-30 hoặc 2026-11-30T08:00:00+07:00.",
        "en": "Invalid time '{value}': write it as 2026-11-30 or 2026-11-30T08:00:00+07:00.",
    },
    "deadletters.kafka_unreachable": {
        "vi": "Không kết nối được Kafka ({bootstrap}): {error}",
        "en": "Cannot reach Kafka ({bootstrap}): {error}",
    },
    "deadletters.none": {"vi": "Không có thư lỗi nào khớp điều kiện.", "en": "No dead letter matches."},
    "deadletters.count": {"vi": "{count} thư lỗi.", "en": "{count} dead letter(s)."},
    "deadletters.columns": {
        "vi": "chủ đề/phân vùng/vị trí | thời điểm lỗi | lý do | chủ đề nguồn | hệ thống | mã sự kiện | loại sự kiện | "
        "đã phát lại",
        "en": "topic/partition/offset | failed at | reason | source topic | system | event id | event type | replayed",
    },
    "deadletters.yes": {"vi": "có", "en": "yes"},
    "deadletters.no": {"vi": "chưa", "en": "no"},
    "deadletters.not_found": {
        "vi": "Không có thư lỗi ở vị trí {offset} của {topic}.",
        "en": "There is no dead letter at offset {offset} of {topic}.",
    },
    "deadletters.show.where": {"vi": "Thư lỗi", "en": "Dead letter"},
    "deadletters.show.failed_at": {"vi": "Thời điểm lỗi", "en": "Failed at"},
    "deadletters.show.source": {"vi": "Nguồn", "en": "Source"},
    "deadletters.show.system": {"vi": "Hệ thống gửi", "en": "Publishing system"},
    "deadletters.show.event": {"vi": "Sự kiện", "en": "Event"},
    "deadletters.show.key": {"vi": "Khóa bản ghi", "en": "Record key"},
    "deadletters.show.reason": {"vi": "Lý do", "en": "Reason"},
    "deadletters.show.reason_vi": {"vi": "Lý do (tiếng Việt)", "en": "Reason (Vietnamese)"},
    "deadletters.show.reason_en": {"vi": "Lý do (tiếng Anh)", "en": "Reason (English)"},
    "deadletters.show.errors": {"vi": "Các trường lỗi", "en": "Fields in error"},
    "deadletters.show.headers": {"vi": "Tiêu đề bản ghi", "en": "Record headers"},
    "deadletters.show.payload": {"vi": "Nội dung gốc", "en": "Original payload"},
    "deadletters.show.not_json": {
        "vi": "(không phải JSON, {size} byte; hiển thị dạng văn bản)",
        "en": "(not JSON, {size} bytes; shown as text)",
    },
    "deadletters.show.replayed": {
        "vi": "Đã phát lại lúc {when}, mã sự kiện mới {new_id}.",
        "en": "Replayed at {when}, new event id {new_id}.",
    },
    "deadletters.show.not_replayed": {"vi": "Chưa phát lại.", "en": "Not replayed."},
    "deadletters.replayed": {
        "vi": "{where}: đã phát lại sang {topic} với mã sự kiện mới {new_id} (sự kiện gốc {original_id}).",
        "en": "{where}: replayed to {topic} with the new event id {new_id} (original event {original_id}).",
    },
    "deadletters.replayed_as_is": {
        "vi": "{where}: đã phát lại nguyên văn sang {topic} (không phải CloudEvent nên giữ nguyên nội dung).",
        "en": "{where}: replayed as is to {topic} (not a CloudEvent, so its bytes are unchanged).",
    },
    "deadletters.already": {
        "vi": "{where}: đã được phát lại lúc {when} (mã sự kiện mới {new_id}); không phát lại lần nữa.",
        "en": "{where}: already replayed at {when} (new event id {new_id}); not replayed again.",
    },
    "deadletters.refused": {"vi": "{where}: không phát lại: {reason}", "en": "{where}: not replayed: {reason}"},
    "deadletters.no_source": {
        "vi": "thư lỗi không ghi chủ đề nguồn (dlq_source_topic), không biết phát lại vào đâu.",
        "en": "the dead letter names no source topic (dlq_source_topic), so there is nowhere to replay it.",
    },
    "deadletters.not_cloudevent": {
        "vi": "nội dung gốc không phải CloudEvent nên không gán được mã sự kiện mới; thêm --as-is để phát lại "
        "nguyên văn (vẫn chỉ một lần).",
        "en": "the original is not a CloudEvent, so it cannot get a new event id; add --as-is to replay its bytes "
        "unchanged (still only once).",
    },
    "deadletters.not_replayable_topic": {
        "vi": "chỉ phát lại thư lỗi của chủ đề tiếp nhận ({inbound}); sự kiện trong {topic} do dịch vụ tự giữ "
        "và xử lý lại (xem docs/operations.md).",
        "en": "only dead letters of the inbound topic ({inbound}) are replayed; the events in {topic} are kept and "
        "processed again by their service (see docs/operations.md).",
    },
    "deadletters.unknown_reason": {"vi": "không rõ", "en": "unknown"},
    "mail.deadletters.subject": {
        "vi": "[Thi Đua] {count} sự kiện bị từ chối (thư lỗi) mới",
        "en": "[Thi Đua] {count} new rejected event(s) (dead letters)",
    },
    "mail.deadletters.body": {
        "vi": "Kính gửi {recipient},\n\nTừ {first} đến {last}, hệ thống Thi Đua đã từ chối {count} sự kiện và "
        "chuyển chúng vào chủ đề thư lỗi.\n\nTheo lý do:\n{by_reason}\n\nMột số sự kiện đầu tiên:\n{items}{more}\n\n"
        "Bảng lý do và việc cần làm: docs/integration.md (mục Dead letters). Sau khi khắc phục, quản trị viên "
        "phát lại bằng lệnh: thidua-deadletters replay <chủ đề> <vị trí>.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear {recipient},\n\nFrom {first} to {last}, Thi Đua refused {count} event(s) and moved them to "
        "dead-letter topics.\n\nBy reason:\n{by_reason}\n\nThe first ones:\n{items}{more}\n\n"
        "Reasons and what to do: docs/integration.md (section Dead letters). Once the cause is fixed, an "
        "operator replays them with: thidua-deadletters replay <topic> <offset>.\n\nRegards,\nThi Đua",
    },
    "mail.deadletters.more": {"vi": "\n… và {count} sự kiện khác.", "en": "\n… and {count} more."},
    "mail.deadletters.board": {"vi": "Ban Thi đua – Khen thưởng", "en": "Commendation Board"},
    # award history exports and nomination escalations
    "report.format_unknown": {
        "vi": "Không có định dạng xuất '{format}'. Các định dạng có: {available}.",
        "en": "No export format '{format}'. Available: {available}.",
    },
    "mail.nomination_overdue.subject": {
        "vi": "[Thi Đua] Hồ sơ đề nghị khen thưởng quá hạn {days} ngày làm việc: {nominee} – {award}",
        "en": "[Thi Đua] Nomination {days} working days overdue: {nominee} – {award}",
    },
    "mail.nomination_overdue.body": {
        "vi": "Kính gửi Ban Thi đua – Khen thưởng,\n\nHồ sơ đề nghị khen thưởng «{award}» cho {nominee} "
        "(đơn vị: {unit}) đang ở bước «{stage}» đã quá hạn {days} ngày làm việc (hạn xử lý: {due}).\n\n"
        "Mã hồ sơ: {nomination}.\nCần báo cho: {escalate}.\n\n"
        "Đề nghị khẩn trương xử lý để bảo đảm khen thưởng kịp thời.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear Commendation Board,\n\nThe nomination for “{award}” for {nominee} (unit: {unit}) has been "
        "at the “{stage}” stage {days} working days past its due date ({due}).\n\nNomination: {nomination}.\n"
        "To be told: {escalate}.\n\nPlease act on it promptly.\n\nRegards,\nThi Đua",
    },
    "mail.award.subject": {
        "vi": "[Thi Đua] Quyết định khen thưởng {decision}: {award} – {nominee}",
        "en": "[Thi Đua] Award decision {decision}: {award} – {nominee}",
    },
    "mail.award.body": {
        "vi": "Kính gửi {unit},\n\nTheo Quyết định số {decision} ngày {date} do {signer} ký, {nominee} "
        "được tặng «{award}» năm {year}.\n\nXin chúc mừng!\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear {unit},\n\nBy decision {decision} of {date} signed by {signer}, {nominee} receives "
        "“{award}” for {year}.\n\nCongratulations!\n\nRegards,\nThi Đua",
    },
    # issue 15: deadlines — notify's daily digest of reminders and escalations
    "mail.deadline.subject": {
        "vi": "[Thi Đua] Nhắc việc ngày {day}: {count} việc cần xử lý",
        "en": "[Thi Đua] Reminders for {day}: {count} items to act on",
    },
    "mail.deadline.body": {
        "vi": "Kính gửi {recipient},\n\nHệ thống Thi Đua xin thông báo các việc cần xử lý:\n\n{items}\n\n"
        "Trân trọng,\nHệ thống Thi Đua",
        "en": "Dear {recipient},\n\nThi Đua lists what needs your action:\n\n{items}\n\nRegards,\nThi Đua",
    },
    "mail.deadline.report_reminder": {
        "vi": "- Báo cáo kỳ {period} của {unit} (phong trào «{campaign}») đến hạn ngày {due}, còn {days} ngày làm việc.",
        "en": "- The {period} report of {unit} (campaign “{campaign}”) is due on {due}, {days} working days left.",
    },
    "mail.deadline.report_escalated": {
        "vi": "- Báo cáo kỳ {period} của {unit} (phong trào «{campaign}») quá hạn {days} ngày làm việc "
        "(hạn: {due}); báo đến: {role}.",
        "en": "- The {period} report of {unit} (campaign “{campaign}”) is {days} working days late "
        "(due {due}); told to: {role}.",
    },
    "mail.deadline.review_reminder": {
        "vi": "- Thẩm định báo cáo kỳ {period} của {unit} (phong trào «{campaign}») đến hạn ngày {due}, "
        "còn {days} ngày làm việc.",
        "en": "- The review of the {period} report of {unit} (campaign “{campaign}”) is due on {due}, "
        "{days} working days left.",
    },
    "mail.deadline.review_escalated": {
        "vi": "- Thẩm định báo cáo kỳ {period} của {unit} (phong trào «{campaign}») quá hạn {days} ngày làm việc "
        "(hạn: {due}); báo đến: {role}.",
        "en": "- The review of the {period} report of {unit} (campaign “{campaign}”) is {days} working days late "
        "(due {due}); told to: {role}.",
    },
    # 13: forms — statutory forms of Circular 02/2023/TT-BNV (GET /api/v1/forms/{form})
    "forms.unknown": {
        "vi": "Không có biểu mẫu '{form}'. Các biểu mẫu có: {available}.",
        "en": "No form '{form}'. Available: {available}.",
    },
    "forms.pdf_unavailable": {
        "vi": "Chưa tạo được bản PDF của biểu mẫu lúc này; vui lòng thử lại sau hoặc tải bản XLSX.",
        "en": "The form's PDF cannot be produced right now; please try again later or download the XLSX.",
    },
    # issue 13: reports — the document toolkit (GET /api/v1/documents/{id}) and review reports
    "documents.not_found": {
        "vi": "Không có văn bản '{id}' (hoặc bạn không có quyền xem văn bản này).",
        "en": "No document '{id}' (or you may not read it).",
    },
    "documents.pdf_failed": {
        "vi": "Chưa chuyển được văn bản sang PDF; hãy thử lại sau hoặc tải bản DOCX.",
        "en": "The document could not be converted to PDF yet; try again later or download the DOCX.",
    },
    "review.unknown": {
        "vi": "Phong trào '{campaign}' không có kỳ sơ kết, tổng kết ngày {date}.",
        "en": "Campaign '{campaign}' has no review on {date}.",
    },
    "review.narrative_stale": {
        "vi": "Nội dung báo cáo đã được người khác sửa (phiên bản {current}, bạn sửa từ phiên bản {expected}); "
        "hãy tải lại và sửa lại.",
        "en": "Someone else changed the report's text (version {current}; you edited version {expected}); "
        "reload and edit again.",
    },
    "review.upload_too_large": {
        "vi": "Tệp quá lớn: tối đa {limit} MB.",
        "en": "The file is too large: at most {limit} MB.",
    },
    "review.upload_not_docx": {
        "vi": "không phải tệp Word (.docx) mở được",
        "en": "is not a Word (.docx) file that can be opened",
    },
    "review.unit_not_participant": {
        "vi": "đơn vị '{unit}' không tham gia phong trào này",
        "en": "unit '{unit}' does not take part in this campaign",
    },
    "review.clock_override": {
        "vi": "chỉ được chọn ngày khác trong môi trường phát triển, kiểm thử",
        "en": "another day may be named only in development and tests",
    },
    "review.kind.interim": {"vi": "sơ kết", "en": "interim review"},
    "review.kind.final": {"vi": "tổng kết", "en": "final review"},
    "inbox.review.reminder.title": {
        "vi": "Sắp đến kỳ {kind} phong trào «{campaign}» ({date})",
        "en": "The {kind} of “{campaign}” is near ({date})",
    },
    "inbox.review.reminder.body": {
        "vi": "Còn {days} ngày đến kỳ {kind} phong trào «{campaign}» ngày {date}. Đề nghị đơn vị hoàn thành "
        "báo cáo kết quả các kỳ trước ngày này.",
        "en": "{days} days to the {kind} of “{campaign}” on {date}. Please complete your results reports "
        "before then.",
    },
    "inbox.review.ready.title": {
        "vi": "Đã có dự thảo báo cáo {kind} phong trào «{campaign}» (phiên bản {version})",
        "en": "Draft {kind} report of “{campaign}” ready (version {version})",
    },
    "inbox.review.ready.body": {
        "vi": "Dự thảo báo cáo {kind} ngày {date} của phong trào «{campaign}» và báo cáo của từng đơn vị đã "
        "được tạo; Ban Thi đua - Khen thưởng xem, bổ sung nội dung và tải về (DOCX, PDF).",
        "en": "The draft {kind} report of {date} for “{campaign}” and each unit's report are ready; the board "
        "reviews, completes and downloads them (DOCX, PDF).",
    },
    "mail.review.reminder.subject": {
        "vi": "[Thi đua] Nhắc kỳ {kind} phong trào «{campaign}» ngày {date}",
        "en": "[Thi Đua] The {kind} of “{campaign}” on {date}",
    },
    "mail.review.reminder.body": {
        "vi": "Kính gửi {unit},\n\nCòn {days} ngày đến kỳ {kind} phong trào «{campaign}» (ngày {date}). Đề nghị "
        "đơn vị hoàn thành, gửi đầy đủ báo cáo kết quả các kỳ trước ngày này để được tổng hợp vào báo cáo {kind}.\n",
        "en": "Dear {unit},\n\n{days} days to the {kind} of “{campaign}” ({date}). Please send all your results "
        "reports before then so that they are counted in the {kind} report.\n",
    },
    "mail.review.ready.subject": {
        "vi": "[Thi đua] Dự thảo báo cáo {kind} phong trào «{campaign}» (phiên bản {version})",
        "en": "[Thi Đua] Draft {kind} report of “{campaign}” (version {version})",
    },
    "mail.review.ready.body": {
        "vi": "Dự thảo báo cáo {kind} ngày {date} của phong trào «{campaign}» (phiên bản {version}) và báo cáo "
        "của {units} đơn vị đã được tạo.\nXem, bổ sung nội dung và tải về trên trang Báo cáo sơ kết/tổng kết; "
        "tải trực tiếp: /api/v1/documents/{document}?format=docx\n",
        "en": "The draft {kind} report of {date} for “{campaign}” (version {version}) and the reports of {units} "
        "units are ready.\nReview, complete and download them on the review reports page; direct download: "
        "/api/v1/documents/{document}?format=docx\n",
    },
    # issue 8: crash (what a whole-campaign leaderboard ranks on)
    "leaderboard.basis.zero": {
        "vi": "Xếp hạng theo điểm bình quân mỗi kỳ trên {count} kỳ mọi đơn vị phải báo cáo ({first} – {last}); "
        "kỳ không báo cáo được tính 0 điểm.",
        "en": "Ranked on the mean per period over the {count} periods every unit was due to report "
        "({first} – {last}); a period not reported counts 0.",
    },
    "leaderboard.basis.excluded": {
        "vi": "Xếp hạng theo điểm bình quân mỗi kỳ trên các kỳ đơn vị đã báo cáo, trong {count} kỳ mọi đơn vị "
        "phải báo cáo ({first} – {last}); kỳ không báo cáo không được tính.",
        "en": "Ranked on the mean per period over the periods each unit reported, of the {count} periods every "
        "unit was due to report ({first} – {last}); a period not reported is left out.",
    },
    "leaderboard.basis.none": {
        "vi": "Chưa có kỳ báo cáo nào đã kết thúc và được báo cáo: chưa có điểm để xếp hạng.",
        "en": "No period has ended and been reported yet: nothing to rank on.",
    },
    "leaderboard.basis.period": {"vi": "Xếp hạng theo điểm {period}.", "en": "Ranked on the scores of {period}."},
    # verification results and appeal decisions, told to the unit that reported
    "mail.review.decision.approve": {"vi": "Phê duyệt", "en": "Approved"},
    "mail.review.decision.return": {"vi": "Trả lại để bổ sung", "en": "Returned for correction"},
    "mail.review.decision.reject": {"vi": "Từ chối", "en": "Rejected"},
    "mail.review.campaign": {"vi": "phong trào «{name}»", "en": "campaign “{name}”"},
    "mail.review.campaign_named": {"vi": "«{name}»", "en": "campaign “{name}”"},
    "mail.review.subject": {
        "vi": "[Thi Đua] Kết quả thẩm định báo cáo {period}, {campaign}: {decision}",
        "en": "[Thi Đua] Review of the {period} report, {campaign}: {decision}",
    },
    "mail.review.greeting": {"vi": "Kính gửi {unit},", "en": "Dear {unit},"},
    "mail.review.intro.approve": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong {campaign} đã được {level} thẩm định "
        "và phê duyệt lúc {time}.",
        "en": "Your {period} report in the {campaign} was reviewed and approved by the {level} at {time}.",
    },
    "mail.review.intro.return": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong {campaign} đã được {level} thẩm định "
        "lúc {time} và trả lại để đơn vị bổ sung.",
        "en": "Your {period} report in the {campaign} was reviewed by the {level} at {time} and "
        "returned for correction.",
    },
    "mail.review.intro.reject": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong {campaign} đã được {level} thẩm định "
        "lúc {time} và bị từ chối.",
        "en": "Your {period} report in the {campaign} was reviewed by the {level} at {time} and rejected.",
    },
    "mail.review.verified": {
        "vi": "Kết quả của đơn vị kỳ này đã được xác nhận và được tính vào điểm thi đua chính thức "
        "(đã thẩm định).\n\nSố liệu được xác nhận:\n{values}",
        "en": "Your results for this period are now verified and count in the official (verified) scores."
        "\n\nValues verified:\n{values}",
    },
    "mail.review.return_request": {
        "vi": "Đề nghị đơn vị bổ sung, hoàn thiện số liệu và tài liệu minh chứng của các tiêu chí sau:\n{criteria}",
        "en": "Please correct the values and evidence of these criteria:\n{criteria}",
    },
    "mail.review.return_request_unlisted": {
        "vi": "Đề nghị đơn vị bổ sung, hoàn thiện số liệu và tài liệu minh chứng của các tiêu chí được nêu "
        "trong báo cáo trên Hệ thống Thi Đua.",
        "en": "Please correct the values and evidence of the criteria named on the report in Thi Đua.",
    },
    "mail.review.return_scope": {
        "vi": "Đơn vị chỉ gửi lại số liệu của các tiêu chí bị trả lại; số liệu các tiêu chí khác được giữ "
        "nguyên. Trong thời gian chờ bổ sung, điểm của kỳ này vẫn là điểm tạm tính.",
        "en": "Resubmit only the returned criteria; the other values stay as they are. Until then the "
        "period's score remains provisional.",
    },
    "mail.review.comment": {
        "vi": "Ý kiến chung của cấp thẩm định: {reason}",
        "en": "The reviewer's general remark: {reason}",
    },
    "mail.review.reason": {"vi": "Lý do: {reason}", "en": "Reason: {reason}"},
    "mail.review.rejected_effect": {
        "vi": "Số liệu của báo cáo này không được tính vào kết quả thi đua.",
        "en": "The values of this report do not count in any score.",
    },
    "mail.review.appeal_right": {
        "vi": "Nếu không đồng ý với quyết định này, đơn vị có quyền đề nghị xem xét lại (khiếu nại) một lần "
        "lên {level}, nêu rõ lý do, trên Hệ thống Thi Đua.",
        "en": "If you disagree with this decision, you may appeal it once to the {level}, giving your "
        "reasons, in Thi Đua.",
    },
    "mail.review.final": {
        "vi": "Quyết định của {level} là quyết định cuối cùng, không còn cấp khiếu nại cao hơn.",
        "en": "The {level}'s decision is final: there is no higher level to appeal to.",
    },
    "mail.review.closing": {
        "vi": "Mã báo cáo: {submission}.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Report id: {submission}.\n\nRegards,\nThi Đua",
    },
    # an approved report reopened by a reviewer (issue 10 leftover: the unit is told)
    "mail.reopen.subject": {
        "vi": "[Thi Đua] Báo cáo {period}, {campaign} được mở lại để thẩm định lại",
        "en": "[Thi Đua] The {period} report, {campaign}, was reopened for review",
    },
    "mail.reopen.intro": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong {campaign}, đã được {approved} phê duyệt, "
        "vừa được {level} mở lại lúc {time} để thẩm định lại.",
        "en": "Your {period} report in the {campaign}, approved by the {approved}, was reopened by the "
        "{level} at {time} to be reviewed again.",
    },
    "mail.reopen.effect": {
        "vi": "Kết quả của kỳ này tạm thời không còn là kết quả đã thẩm định; điểm chính thức của kỳ "
        "được rút lại cho đến khi có quyết định mới. Đơn vị có thể gửi lại báo cáo của kỳ này.",
        "en": "Until a new decision, this period's results are no longer verified and its official score "
        "is withdrawn. You may submit this period's report again.",
    },
    "mail.appeal.outcome.upheld": {"vi": "Giữ nguyên quyết định", "en": "Decision upheld"},
    "mail.appeal.outcome.overturned": {"vi": "Sửa đổi quyết định", "en": "Decision changed"},
    "mail.appeal.subject": {
        "vi": "[Thi Đua] Kết quả giải quyết khiếu nại báo cáo {period}, {campaign}: {outcome} – {decision}",
        "en": "[Thi Đua] Appeal on the {period} report, {campaign}: {outcome} – {decision}",
    },
    "mail.appeal.decision.approve": {"vi": "phê duyệt báo cáo", "en": "the report is approved"},
    "mail.appeal.decision.return": {"vi": "trả lại để bổ sung", "en": "the report is returned for correction"},
    "mail.appeal.decision.reject": {"vi": "từ chối báo cáo", "en": "the report is rejected"},
    "mail.appeal.intro.upheld": {
        "vi": "Khiếu nại của đơn vị về kết quả thẩm định báo cáo kết quả {period} trong {campaign} "
        "đã được {level} giải quyết lúc {time}: giữ nguyên quyết định {decision}.",
        "en": "Your appeal on the review of your {period} report in the {campaign} was decided by "
        "the {level} at {time}: the decision stands, {decision}.",
    },
    "mail.appeal.intro.overturned": {
        "vi": "Khiếu nại của đơn vị về kết quả thẩm định báo cáo kết quả {period} trong {campaign} "
        "đã được {level} giải quyết lúc {time}: sửa đổi quyết định trước đó, {decision}.",
        "en": "Your appeal on the review of your {period} report in the {campaign} was decided by "
        "the {level} at {time}: the earlier decision is changed, {decision}.",
    },
    "mail.appeal.final": {
        "vi": "Đây là kết quả giải quyết khiếu nại cuối cùng đối với báo cáo này (mỗi quyết định chỉ được "
        "khiếu nại một lần).",
        "en": "This settles the appeal on this report (a decision may be appealed only once).",
    },
    # issue 10: the inbox (reporting's "my notifications"), live updates and the public board
    "inbox.decision.approve": {"vi": "phê duyệt", "en": "approval"},
    "inbox.decision.return": {"vi": "trả lại", "en": "return"},
    "inbox.decision.reject": {"vi": "từ chối", "en": "rejection"},
    "inbox.received.title": {
        "vi": "Báo cáo mới chờ thẩm định: {unit}, {period}",
        "en": "New report to review: {unit}, {period}",
    },
    "inbox.received.body": {
        "vi": "{unit} đã gửi báo cáo kết quả {period} trong phong trào «{campaign}» lúc {time}; "
        "báo cáo đang chờ thẩm định.",
        "en": "{unit} sent its {period} report in the campaign “{campaign}” at {time}; it awaits review.",
    },
    "inbox.reviewed.approve.title": {
        "vi": "Báo cáo {period} đã được phê duyệt",
        "en": "Report for {period} approved",
    },
    "inbox.reviewed.approve.body": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong phong trào «{campaign}» đã được {level} phê duyệt "
        "lúc {time}.",
        "en": "Your {period} report in the campaign “{campaign}” was approved by the {level} at {time}.",
    },
    "inbox.reviewed.return.title": {
        "vi": "Báo cáo {period} bị trả lại để bổ sung",
        "en": "Report for {period} returned for correction",
    },
    "inbox.reviewed.return.body": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong phong trào «{campaign}» đã được {level} trả lại "
        "lúc {time}. Tiêu chí cần bổ sung: {criteria}.",
        "en": "Your {period} report in the campaign “{campaign}” was returned by the {level} at {time}. "
        "Criteria to correct: {criteria}.",
    },
    "inbox.reviewed.reject.title": {
        "vi": "Báo cáo {period} bị từ chối",
        "en": "Report for {period} rejected",
    },
    "inbox.reviewed.reject.body": {
        "vi": "Báo cáo kết quả {period} của đơn vị trong phong trào «{campaign}» đã bị {level} từ chối "
        "lúc {time}.",
        "en": "Your {period} report in the campaign “{campaign}” was rejected by the {level} at {time}.",
    },
    "inbox.criterion_reason": {"vi": "{criterion} ({reason})", "en": "{criterion} ({reason})"},
    "inbox.reason": {"vi": " Lý do: {reason}", "en": " Reason: {reason}"},
    "inbox.remark": {"vi": " Ý kiến chung: {reason}", "en": " General remark: {reason}"},
    "inbox.appealed.title": {
        "vi": "Khiếu nại mới: {unit}, {period}",
        "en": "New appeal: {unit}, {period}",
    },
    "inbox.appealed.body": {
        "vi": "{unit} khiếu nại quyết định {against} của {from_level} đối với báo cáo kết quả {period} "
        "trong phong trào «{campaign}» lúc {time}; khiếu nại chờ {to_level} giải quyết.",
        "en": "{unit} appealed the {from_level}'s {against} of its {period} report in the campaign "
        "“{campaign}” at {time}; the appeal awaits the {to_level}.",
    },
    "inbox.appeal_decided.title": {
        "vi": "Khiếu nại báo cáo {period}: {outcome}",
        "en": "Appeal on the {period} report: {outcome}",
    },
    "inbox.appeal_decided.body": {
        "vi": "Khiếu nại về báo cáo kết quả {period} của đơn vị trong phong trào «{campaign}» đã được {level} "
        "giải quyết lúc {time}: {decision}.",
        "en": "The appeal on your {period} report in the campaign “{campaign}” was decided by the {level} "
        "at {time}: {decision}.",
    },
    "inbox.reopened.title": {
        "vi": "Báo cáo {period} đã được mở lại",
        "en": "Report for {period} reopened",
    },
    "inbox.reopened.body": {
        "vi": "Báo cáo kết quả {period} đã phê duyệt của đơn vị trong phong trào «{campaign}» đã được {level} "
        "mở lại lúc {time}: kết quả không còn là kết quả đã thẩm định và đơn vị được gửi báo cáo mới.",
        "en": "Your approved {period} report in the campaign “{campaign}” was reopened by the {level} at "
        "{time}: its results are no longer verified and you may submit again.",
    },
    "inbox.verified.title": {
        "vi": "Điểm đã thẩm định {period}: {total}/{max} điểm",
        "en": "Verified score for {period}: {total}/{max} points",
    },
    "inbox.verified.body": {
        "vi": "Điểm đã thẩm định của đơn vị kỳ {period} trong phong trào «{campaign}» là {total}/{max} điểm "
        "(cập nhật lúc {time}).",
        "en": "Your verified score for {period} in the campaign “{campaign}” is {total}/{max} points "
        "(updated at {time}).",
    },
    "inbox.withdrawn.title": {
        "vi": "Điểm đã thẩm định {period} không còn hiệu lực",
        "en": "Verified score for {period} withdrawn",
    },
    "inbox.withdrawn.body": {
        "vi": "Điểm đã thẩm định của đơn vị kỳ {period} trong phong trào «{campaign}» không còn hiệu lực "
        "(lúc {time}); kỳ này chỉ được tính lại khi báo cáo được phê duyệt.",
        "en": "Your verified score for {period} in the campaign “{campaign}” was withdrawn at {time}; the "
        "period counts again once a report is approved.",
    },
    "inbox.cursor_invalid": {
        "vi": "Con trỏ trang không hợp lệ: hãy dùng đúng giá trị 'next' của trang trước.",
        "en": "Invalid page cursor: use the 'next' value of the previous page as it is.",
    },
    "inbox.read_what": {
        "vi": "Cần nêu danh sách 'ids' (1 đến {max} mã thông báo) hoặc 'all': true, không cả hai.",
        "en": "Give either a list of 'ids' (1 to {max} notification ids) or 'all': true, not both.",
    },
    "stream.too_many": {
        "vi": "Đơn vị quản lý '{tenant}' đã mở đủ {limit} kết nối cập nhật trực tiếp trên máy chủ này; "
        "hãy đóng bớt trang đang mở hoặc thử lại sau.",
        "en": "Tenant '{tenant}' already holds {limit} live-update connections on this server; close some "
        "open pages or retry later.",
    },
    "public.not_enabled": {
        "vi": "Không có bảng xếp hạng công khai của '{tenant}'.",
        "en": "There is no public leaderboard for '{tenant}'.",
    },
    # issue 11: nomnotice — a nomination returned, failed or decided reaches the units (inbox and mail)
    "inbox.nomination.collective": {"vi": "tập thể {unit}", "en": "the collective {unit}"},
    "inbox.nomination.returned.title": {
        "vi": "Hồ sơ đề nghị khen thưởng bị trả lại: {award} – {nominee}",
        "en": "Nomination returned: {award} – {nominee}",
    },
    "inbox.nomination.returned.body": {
        "vi": "Hồ sơ đề nghị «{award}» năm {year} cho {nominee} đã bị trả lại ở bước «{stage}» lúc {time}; "
        "đơn vị bổ sung, hoàn thiện hồ sơ rồi gửi lại.",
        "en": "The nomination for “{award}” ({year}) of {nominee} was returned at the “{stage}” stage at "
        "{time}; complete the dossier and submit it again.",
    },
    "inbox.nomination.failed.title": {
        "vi": "Hồ sơ đề nghị khen thưởng không được thông qua: {award} – {nominee}",
        "en": "Nomination not approved: {award} – {nominee}",
    },
    "inbox.nomination.failed.body": {
        "vi": "Hồ sơ đề nghị «{award}» năm {year} cho {nominee} không được thông qua ở bước «{stage}» lúc {time}.",
        "en": "The nomination for “{award}” ({year}) of {nominee} was not approved at the “{stage}” stage at {time}.",
    },
    "inbox.nomination.vote": {
        "vi": " Kết quả biểu quyết: {yes}/{members} phiếu đồng ý, {no} không đồng ý, {abstain} không biểu quyết; "
        "ngưỡng cần đạt {threshold}%.",
        "en": " Vote: {yes}/{members} in favour, {no} against, {abstain} abstaining; {threshold}% needed.",
    },
    "inbox.nomination.decided.title": {
        "vi": "Quyết định khen thưởng {decision}: {award} – {nominee}",
        "en": "Award decision {decision}: {award} – {nominee}",
    },
    "inbox.nomination.decided.body": {
        "vi": "Theo Quyết định số {decision} ngày {date} do {signer} ký, {nominee} được tặng «{award}» năm {year}.",
        "en": "By decision {decision} of {date} signed by {signer}, {nominee} receives “{award}” for {year}.",
    },
    "mail.nomination_returned.subject": {
        "vi": "[Thi Đua] Hồ sơ đề nghị khen thưởng bị trả lại: {award} – {nominee}",
        "en": "[Thi Đua] Nomination returned: {award} – {nominee}",
    },
    "mail.nomination_returned.body": {
        "vi": "Kính gửi {unit},\n\nHồ sơ đề nghị khen thưởng «{award}» năm {year} cho {nominee} đã bị trả lại "
        "ở bước «{stage}» lúc {time}.\n\nLý do: {reason}\n\nĐề nghị đơn vị bổ sung, hoàn thiện hồ sơ và gửi lại "
        "trên hệ thống (mục Đề nghị khen thưởng).\n\nMã hồ sơ: {nomination}.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear {unit},\n\nThe nomination for “{award}” ({year}) of {nominee} was returned at the “{stage}” "
        "stage at {time}.\n\nReason: {reason}\n\nPlease complete the dossier and submit it again (Nominations)."
        "\n\nNomination: {nomination}.\n\nRegards,\nThi Đua",
    },
    "mail.nomination_failed.subject": {
        "vi": "[Thi Đua] Hồ sơ đề nghị khen thưởng không được thông qua: {award} – {nominee}",
        "en": "[Thi Đua] Nomination not approved: {award} – {nominee}",
    },
    "mail.nomination_failed.body": {
        "vi": "Kính gửi {unit},\n\nHồ sơ đề nghị khen thưởng «{award}» năm {year} cho {nominee} không được "
        "thông qua ở bước «{stage}» lúc {time}.\n\nLý do: {reason}\n{vote}\nMã hồ sơ: {nomination}.\n\n"
        "Trân trọng,\nHệ thống Thi Đua",
        "en": "Dear {unit},\n\nThe nomination for “{award}” ({year}) of {nominee} was not approved at the "
        "“{stage}” stage at {time}.\n\nReason: {reason}\n{vote}\nNomination: {nomination}.\n\n"
        "Regards,\nThi Đua",
    },
    "mail.nomination.vote": {
        "vi": "\nKết quả biểu quyết: {yes}/{members} phiếu đồng ý, {no} không đồng ý, {abstain} không biểu quyết "
        "(ngưỡng cần đạt {threshold}%).\n",
        "en": "\nVote: {yes}/{members} in favour, {no} against, {abstain} abstaining ({threshold}% needed).\n",
    },
    # issue 15: deadlines — reminders and escalations in the inbox
    "inbox.deadline.report.reminder.title": {
        "vi": "Sắp đến hạn báo cáo kỳ {period}: {unit} ({due})",
        "en": "The {period} report of {unit} is due soon ({due})",
    },
    "inbox.deadline.report.reminder.body": {
        "vi": "Báo cáo kỳ {period} của {unit} trong phong trào «{campaign}» đến hạn ngày {due}, "
        "còn {days} ngày làm việc.",
        "en": "The {period} report of {unit} in the campaign “{campaign}” is due on {due}, {days} working days left.",
    },
    "inbox.deadline.report.escalated.title": {
        "vi": "Báo cáo kỳ {period} của {unit} quá hạn {days} ngày làm việc",
        "en": "The {period} report of {unit} is {days} working days late",
    },
    "inbox.deadline.report.escalated.body": {
        "vi": "Báo cáo kỳ {period} của {unit} trong phong trào «{campaign}» đã quá hạn {days} ngày làm việc "
        "(hạn: {due}). Đề nghị đôn đốc đơn vị nộp báo cáo.",
        "en": "The {period} report of {unit} in the campaign “{campaign}” is {days} working days late "
        "(due {due}). Please have the unit report.",
    },
    "inbox.deadline.review.reminder.title": {
        "vi": "Sắp đến hạn thẩm định báo cáo kỳ {period}: {unit} ({due})",
        "en": "The review of the {period} report of {unit} is due soon ({due})",
    },
    "inbox.deadline.review.reminder.body": {
        "vi": "Việc thẩm định báo cáo kỳ {period} của {unit} trong phong trào «{campaign}» đến hạn ngày {due}, "
        "còn {days} ngày làm việc.",
        "en": "The review of the {period} report of {unit} in the campaign “{campaign}” is due on {due}, "
        "{days} working days left.",
    },
    "inbox.deadline.review.escalated.title": {
        "vi": "Thẩm định báo cáo kỳ {period} của {unit} quá hạn {days} ngày làm việc",
        "en": "The review of the {period} report of {unit} is {days} working days late",
    },
    "inbox.deadline.review.escalated.body": {
        "vi": "Việc thẩm định báo cáo kỳ {period} của {unit} trong phong trào «{campaign}» đã quá hạn {days} "
        "ngày làm việc (hạn: {due}).",
        "en": "The review of the {period} report of {unit} in the campaign “{campaign}” is {days} working days "
        "late (due {due}).",
    },
}


def negotiate(accept_language: str | None, default: Language = "vi") -> Language:
    """Pick vi or en from an Accept-Language header by quality (q) value; the earlier tag wins a
    tie; q=0 means "not acceptable"; the default when neither is acceptable."""
    if not accept_language:
        return default
    best: tuple[float, int, Language] | None = None
    for index, part in enumerate(accept_language.split(",")):
        tag, *options = [x.strip().lower() for x in part.split(";")]
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        lang: Language | None = "vi" if tag.startswith("vi") else "en" if tag.startswith("en") else None
        if lang and quality > 0 and (best is None or quality > best[0]):
            best = (quality, index, lang)
    return best[2] if best else default


class Localized:
    """A message parameter rendered in the reader's language (numbers, dates, words) only when the
    message is rendered, because the language is not known where the parameter is made."""

    def __init__(self, render: Callable[[str], str]) -> None:
        self.render = render  # the language code ("vi", "en") → the text

    def __format__(self, spec: str) -> str:  # pragma: no cover - rendered through t()
        return self.render("vi")


def t(key: str, lang: str = "vi", **params: object) -> str:
    entry = MESSAGES[key]
    rendered = {k: (v.render(lang) if isinstance(v, Localized) else v) for k, v in params.items()}
    return entry.get(lang, entry["vi"]).format(**rendered)
