"""The sheets of the official Excel report: seed 000's appendices 1–5 and a KPI report.

Each sheet is a title, a header block (with its merged cells), value columns and one
query over the published marts. A query returns ``row_kind, stt, label`` and then one
value per column, in print order: it selects and orders what the marts computed, adds
no arithmetic (docs/architecture.md: a number computed twice will one day disagree).
Queries take ``$period_id``, ``$period_end`` and ``$payments_date`` (see excel_report).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from tthc.scorecard import KPI_NAMES_VI

COUNT, PERCENT, WHOLE_PERCENT, CHANGE, TEXT = "count", "percent", "whole_percent", "change", "text"


@dataclass(frozen=True)
class Column:
    key: str
    kind: str        # COUNT | PERCENT | WHOLE_PERCENT | CHANGE | TEXT
    width: float = 14
    empty: str = "–"  # what an empty figure prints (a rate of 0 ÷ 0, a KPI not computed for the row)


@dataclass(frozen=True)
class SheetLayout:
    name: str                      # the sheet's tab (31 characters at most)
    title: tuple[str, ...]         # lines above the table; {period_label}, {payments_date}, … filled in
    header: tuple[tuple, ...]      # header rows over every column, STT and name included
    merges: tuple[str, ...]        # ranges relative to the header's first row: "A{0}:A{1}"
    columns: tuple[Column, ...]    # the value columns, after STT and name
    sql: str
    note: str = ""                 # the line under the table
    name_width: float = 45


# Sections as the period's report numbers them (marts.dim_report_period_unit, joined as d:
# before 2025 A, B districts, C communes; after, A and B communes); the units of a section
# in the documents' order.
UNIT_ORDER = """
    coalesce(d.section, 'A') as sec,
    case d.unit_kind when 'department' then 1 when 'land_office' then 2 when 'service_centre' then 3
                     when 'land_branch' then 4 else 5 end as kind_order,
    coalesce(d.report_order, 0) as unit_order"""


APPENDIX_1 = SheetLayout(
    name="PL1 Dịch vụ công",
    title=("PHỤ LỤC I", "DANH SÁCH DỊCH VỤ CÔNG, DỊCH VỤ CÔNG PHÁT SINH HỒ SƠ", "Kỳ báo cáo: {period_label}"),
    header=(("STT", "Tên đơn vị", "Dịch vụ công phát sinh hồ sơ", None, "Số DVC không phát sinh hồ sơ", "Số DVC cung cấp"),
            (None, None, "Trực tuyến 3,4", "Hồ sơ giấy", None, None)),
    merges=("A{0}:A{1}", "B{0}:B{1}", "C{0}:D{0}", "E{0}:E{1}", "F{0}:F{1}"),
    columns=(Column("services_with_online_dossiers", COUNT), Column("services_with_paper_dossiers_only", COUNT),
             Column("services_without_dossiers", COUNT, 18), Column("services_provided", COUNT)),
    note="Trực tuyến 3,4: dịch vụ công trực tuyến mức độ 3, 4 có hồ sơ trực tuyến trong kỳ; "
         "hồ sơ giấy: dịch vụ chỉ có hồ sơ nộp trực tiếp hoặc qua bưu chính.",
    sql=f"""
with f as (
    select f.*, {UNIT_ORDER},
        coalesce(district.report_order, 0) as district_order, district.unit_name as district_name
    from marts.fct_online_service_uptake as f
    left join marts.dim_report_period_unit as d on d.period_id = f.period_id and d.unit_code = f.unit_code
    left join marts.dim_report_period_unit as district on district.period_id = f.period_id
        and district.unit_code = d.district_code and district.unit_kind = 'district'
    where f.period_id = $period_id and f.scope = 'unit'
),
sections(sec, label) as (
    select distinct section, case when section = 'A' then 'Các sở, ngành chuyên môn'
        when unit_kind = 'district' then 'UBND cấp huyện' else 'Cấp xã' end
    from marts.dim_report_period_unit where period_id = $period_id and section <> 'C'
    union all
    select 'C', 'Cấp xã trực thuộc'
),
printed as (
    select 'section' as row_kind, sec as stt, label, null::bigint as a, null::bigint as b, null::bigint as c,
        null::bigint as n, sec, -1 as district_order, 0 as kind_order, 0 as unit_order, '' as unit_code
    from sections where sec in (select sec from f)
    union all
    select distinct 'group', null, 'Các xã thuộc ' || district_name, null, null, null, null, sec, district_order, -1, 0, ''
    from f where sec = 'C' and district_name is not null
    union all
    select 'detail', null, unit_name, services_with_online_dossiers, services_with_paper_dossiers_only,
        services_without_dossiers, services_provided, sec, case when sec = 'C' then district_order else 0 end,
        kind_order, unit_order, unit_code
    from f
)
select row_kind,
    coalesce(stt, case when row_kind = 'detail' then cast(row_number() over (
        partition by sec, row_kind = 'detail' order by district_order, kind_order, unit_order, unit_code) as varchar) end),
    label, a, b, c, n
from printed
order by sec, district_order, kind_order, unit_order, unit_code
""",
)

APPENDIX_2 = SheetLayout(
    name="PL2 Hồ sơ trực tuyến",
    title=("PHỤ LỤC 2", "TỶ LỆ HỒ SƠ XỬ LÝ TRỰC TUYẾN", "Kỳ báo cáo: {period_label}"),
    header=(("STT", "Tên cơ quan, đơn vị địa phương", "Tổng số hồ sơ", "Hồ sơ xử lý trực tuyến", "Tỷ lệ (%) xử lý trực tuyến"),
            ("(1)", "(2)", "(3)", "(4)", "(5)")),
    merges=(),
    columns=(Column("total_dossiers", COUNT), Column("online_dossiers", COUNT), Column("rate", WHOLE_PERCENT, empty="Không phát sinh")),
    note="Tỷ lệ làm tròn đến phần trăm (nửa lên), như văn bản gốc; \"Không phát sinh\": đơn vị không có hồ sơ trong kỳ.",
    sql=f"""
with f as (
    select f.*, {UNIT_ORDER}
    from marts.fct_online_dossier_rate as f
    left join marts.dim_report_period_unit as d on d.period_id = f.period_id and d.unit_code = f.unit_code
    where f.period_id = $period_id
),
printed as (
    select 'section' as row_kind, scope_code as stt, unit_name as label, total_dossiers, online_dossiers, rate,
        scope_code as sec, 0 as kind_order, 0 as unit_order, '' as unit_code
    from f where scope = 'section'
    union all
    select 'detail', null, unit_name, total_dossiers, online_dossiers, rate, sec, kind_order, unit_order, unit_code
    from f where scope = 'unit'
    union all
    select 'total', null, 'Tổng cộng (' || unit_name || ')', total_dossiers, online_dossiers, rate, 'Z', 0, 0, ''
    from f where scope = 'province'
)
select row_kind,
    coalesce(stt, case when row_kind = 'detail' then cast(row_number() over (
        partition by row_kind = 'detail' order by sec, kind_order, unit_order, unit_code) as varchar) end),
    label, total_dossiers, online_dossiers, rate
from printed
order by sec, kind_order, unit_order, unit_code
""",
)

APPENDIX_3 = SheetLayout(
    name="PL3 GRIS",
    title=("PHỤ LỤC 3: THỐNG KÊ CÁC ĐƠN VỊ CẤP XÃ CHƯA NHẬP LIỆU BÁO CÁO", "Hệ thống GRIS, {gris_period_label}",
           "{gris_coverage}"),
    header=(("STT", "TÊN ĐƠN VỊ", "Mẫu số II.01b/VPCP/KSTT", "Mẫu số II.05a/VPCP/KSTT"),),
    merges=(),
    columns=(Column("form_ii01b", TEXT, 24), Column("form_ii05a", TEXT, 24)),
    note="Các đơn vị chưa nhập liệu mẫu II.01b trong quý; cột II.05a cho biết tình trạng mẫu còn lại.",
    sql="""
with s as (
    select * from marts.fct_report_submission_status
    where system = 'GRIS' and period_start = $gris_period_start
),
units as (
    select s.unit_code, any_value(s.unit_name) as unit_name, any_value(s.district_name) as district_name,
        any_value(s.entry_label) filter (where form_code = 'II.01b') as form_ii01b,
        any_value(s.entry_label) filter (where form_code = 'II.05a') as form_ii05a,
        bool_or(s.is_entered) filter (where form_code = 'II.01b') as entered_ii01b,
        any_value(coalesce(district.report_order, 0)) as district_order, any_value(coalesce(d.report_order, 0)) as unit_order
    from s
    left join marts.dim_unit as d using (unit_code)
    left join marts.dim_unit as district on district.unit_code = s.district_code  -- as at the period's end
    group by s.unit_code
)
select 'detail', cast(row_number() over (order by district_order, unit_order, unit_code) as varchar),
    unit_name || coalesce(' - ' || district_name, ''), form_ii01b, form_ii05a
from units
where not entered_ii01b
order by district_order, unit_order, unit_code
""",
)

APPENDIX_4 = SheetLayout(
    name="PL4 Xử lý hồ sơ",
    title=("Phụ lục 4. TÌNH HÌNH XỬ LÝ HỒ SƠ DỊCH VỤ CÔNG", "Kỳ báo cáo: {period_label}"),
    header=(("STT", "Đơn vị giải quyết TTHC", "Số hồ sơ nhận giải quyết", None, None, None, "Kết quả giải quyết",
             None, None, None, None, None, "Số hồ sơ trả lại, rút hoặc dừng xử lý"),
            (None, None, "Tổng số", "Trong đó", None, None, "Số hồ sơ đã giải quyết", None, None,
             "Số hồ sơ đang giải quyết", None, None, None),
            (None, None, None, "Số mới TN TTu", "Số kỳ trước chuyển qua", "Số mới tiếp nhận (TTi hoặc DVBC)",
             "Tổng số", "Đúng và trước hạn", "Quá hạn", "Tổng số", "Chưa đến hạn", "Quá hạn", None)),
    merges=("A{0}:A{2}", "B{0}:B{2}", "C{0}:F{0}", "G{0}:L{0}", "M{0}:M{2}", "C{1}:C{2}", "D{1}:F{1}", "G{1}:I{1}",
            "J{1}:L{1}"),
    columns=tuple(Column(c, COUNT, 12) for c in (
        "received_total", "received_new_online", "received_carried_over", "received_new_offline", "resolved_total",
        "resolved_on_time", "resolved_overdue", "pending_total", "pending_not_due", "pending_overdue", "closed_otherwise")),
    note="Số hồ sơ nhận = đã giải quyết + đang giải quyết + trả lại, rút hoặc dừng xử lý (cột cuối, không có trong "
         "mẫu của văn bản gốc). Số đang giải quyết và quá hạn tính đến ngày có số liệu ghi ở đầu bảng.",
    sql="""
select row_kind, stt, row_label, received_total, received_new_online, received_carried_over, received_new_offline,
    resolved_total, resolved_on_time, resolved_overdue, pending_total, pending_not_due, pending_overdue, closed_otherwise
from marts.rpt_processing_report
where period_id = $period_id
order by sort_key
""",
)

_PAYMENTS_HEADER = (("STT", "ĐƠN VỊ", "SỐ GIAO DỊCH", "SỐ TIỀN (VNĐ)"),)
_PAYMENTS_COLUMNS = (Column("ytd_transactions", COUNT), Column("ytd_amount_vnd", COUNT, 22))

APPENDIX_5_LAND = SheetLayout(
    name="PL5.1 Thanh toán đất đai",
    title=("PHỤ LỤC 5", "THANH TOÁN TRỰC TUYẾN QUA CỔNG DỊCH VỤ CÔNG",
           "1. Thanh toán trực tuyến về nghĩa vụ tài chính thuộc lĩnh vực đất đai của hộ gia đình, cá nhân:",
           "Số liệu thanh toán từ ngày {payments_year_start} đến {payments_date}"),
    header=_PAYMENTS_HEADER,
    merges=(),
    columns=_PAYMENTS_COLUMNS,
    sql="""
select row_kind, case when row_kind = 'detail' then cast(row_number() over (
        partition by row_kind order by district_order, p.report_order, p.unit_code) as varchar) end, label, ytd_transactions, ytd_amount_vnd
from (
    select case when p.is_province then 'total' else 'detail' end as row_kind,
        case when p.is_province then 'Tổng cộng' else p.unit_name end as label,
        case when p.is_province then 999 else coalesce(district.report_order, 0) end as district_order, p.*
    from marts.rpt_payments as p
    left join marts.dim_unit as district on district.unit_code = p.district_code
    where p.report_date = $payments_date and p.kind = 'land_obligation'
) as p
order by district_order, p.report_order, p.unit_code
""",
)

APPENDIX_5_FEES = SheetLayout(
    name="PL5.2 Thanh toán phí",
    title=("PHỤ LỤC 5 (tiếp)", "2. Thanh toán trực tuyến về phí, lệ phí:",
           "Số liệu thanh toán từ ngày {payments_year_start} đến {payments_date}"),
    header=_PAYMENTS_HEADER,
    merges=(),
    columns=_PAYMENTS_COLUMNS,
    sql=f"""
with p as (
    -- the row carries its place in the day's reports (section, order)
    select d.*, {UNIT_ORDER}, coalesce(district.report_order, 0) as district_order
    from marts.rpt_payments as d
    left join marts.dim_unit as district on district.unit_code = d.district_code
    where d.report_date = $payments_date and d.kind = 'fee'
),
-- the tiers of the day's structure, numbered in order (I, II, III before 2025; I, II after)
sections(part, label) as (
    values (1, 'Các sở, ban, ngành cấp tỉnh'), (2, 'Cấp huyện (UBND huyện, chi nhánh VPĐK đất đai)'), (3, 'Cấp xã')
),
units as (
    select *, case when unit_kind = 'commune' then 3 when unit_kind in ('district', 'land_branch') then 2 else 1 end as part
    from p where not is_province
),
printed as (
    select 'section' as row_kind, ['I', 'II', 'III'][cast(dense_rank() over (order by part) as integer)] as stt, label,
        null::bigint as ytd_transactions, null::bigint as ytd_amount_vnd,
        part, 0 as district_order, 0 as kind_order, 0 as unit_order, '' as unit_code
    from sections where part in (select part from units)
    union all
    select 'detail', null, unit_name, ytd_transactions, ytd_amount_vnd, part, district_order, kind_order, unit_order, unit_code
    from units
    union all
    select 'total', null, 'Tổng cộng', ytd_transactions, ytd_amount_vnd, 9, 0, 0, 0, '' from p where is_province
)
select row_kind,
    coalesce(stt, case when row_kind = 'detail' then cast(row_number() over (
        partition by part, row_kind = 'detail' order by district_order, kind_order, unit_order, unit_code) as varchar) end),
    label, ytd_transactions, ytd_amount_vnd
from printed
order by part, district_order, kind_order, unit_order, unit_code
""",
)


def _kpi_sheet() -> SheetLayout:
    """Per unit and KPI: the rate, its change since the previous period of the same kind, the verdict."""
    kpis = list(KPI_NAMES_VI)
    first_row = ["STT", "Đơn vị"]
    second_row = [None, None]
    merges = ["A{0}:A{1}", "B{0}:B{1}"]
    columns, pivots = [], []
    for i, kpi in enumerate(kpis):
        first_col = 3 + 3 * i
        letters = [get_column_letter(first_col + j) for j in range(3)]
        first_row += [KPI_NAMES_VI[kpi], None, None]
        second_row += ["Tỷ lệ", "Tăng/giảm so với kỳ trước", "Đánh giá"]
        merges.append(f"{letters[0]}{{0}}:{letters[2]}{{0}}")
        columns += [Column(f"{kpi}_rate", PERCENT, 10), Column(f"{kpi}_change", CHANGE, 11), Column(f"{kpi}_verdict", TEXT, 11)]
        pivots += [f"any_value(rate) filter (where kpi = '{kpi}')",
                   f"any_value(change_since_previous) filter (where kpi = '{kpi}')",
                   f"any_value(verdict) filter (where kpi = '{kpi}')"]
    return SheetLayout(
        name="Báo cáo KPI",
        title=("BÁO CÁO CHỈ TIÊU CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN", "Kỳ báo cáo: {period_label}"),
        header=(tuple(first_row), tuple(second_row)),
        merges=tuple(merges),
        columns=tuple(columns),
        name_width=38,
        note="Tăng/giảm: so với kỳ trước cùng loại (tháng, quý, năm), điểm phần trăm; –: không có hồ sơ, "
             "hoặc chỉ tiêu không tính cho dòng này. "
             "Đánh giá theo chỉ tiêu của kỳ (bảng kpi_targets); để trống khi kỳ không có chỉ tiêu.",
        sql=f"""
with s as (
    select s.*, {UNIT_ORDER}
    from marts.fct_kpi_scorecard as s
    left join marts.dim_report_period_unit as d on d.period_id = s.period_id and d.unit_code = s.unit_code
    where s.period_id = $period_id and s.scope in ('province', 'section', 'unit')
),
units as (
    select case scope when 'province' then 'total' when 'section' then 'section' else 'detail' end as row_kind,
        case scope when 'section' then scope_code when 'province' then 'Z' else any_value(sec) end as sec,
        case scope when 'unit' then 1 else 0 end as is_unit,
        any_value(kind_order) as kind_order, any_value(unit_order) as unit_order, scope_code, any_value(unit_name) as label,
        {", ".join(f"{p} as c{i}" for i, p in enumerate(pivots))}
    from s
    group by scope, scope_code
)
select row_kind,
    case row_kind when 'section' then scope_code when 'detail' then cast(row_number() over (
        partition by is_unit order by sec, kind_order, unit_order, scope_code) as varchar) end,
    label, {", ".join(f"c{i}" for i in range(len(pivots)))}
from units
order by sec, is_unit, kind_order, unit_order, scope_code
""",
    )


KPI_REPORT = _kpi_sheet()

SHEETS = (KPI_REPORT, APPENDIX_1, APPENDIX_2, APPENDIX_3, APPENDIX_4, APPENDIX_5_LAND, APPENDIX_5_FEES)
