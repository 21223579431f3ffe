"""The report's tables, once, as typed rows: the DOCX prints them in Vietnamese style, the XLSX
writes real numbers and dates, the CSV plain values. Titles are Vietnamese because the report
is an administrative document of a Vietnamese body (Decree 30/2020), whatever the reader's UI
language; the page that lists reports is translated as usual."""

from dataclasses import dataclass

from django.utils import translation

from provinces.models import Province

from ..models import Recommendation, Status
from .asof import Figures, Row
from .numbers import vn_date

# Column kinds: how each format writes a value.
TEXT, INT, RATE, DAYS, DATE = "text", "int", "rate", "days", "date"


@dataclass
class Column:
    title: str
    kind: str = INT


@dataclass
class Table:
    key: str  # sheet and CSV file name
    title: str
    columns: list[Column]
    rows: list[tuple]


OUTCOME_LABELS = {
    Status.ANSWERED: "Đã trả lời tại chỗ",
    Status.RESOLVED: "Đã giải quyết dứt điểm",
    Status.NOT_ACCEPTED: "Không chấp nhận",
    Status.TRANSFERRED: "Chuyển cơ quan có thẩm quyền",
}


def _group_table(key, title, first, rows: list[Row]) -> Table:
    columns = [
        Column("STT"),
        Column(first, TEXT),
        Column("Tiếp nhận"),
        Column("Đã giải quyết"),
        Column("Đang xử lý"),
        Column("Quá hạn"),
        Column("Tạm dừng"),
        Column("Tỷ lệ giải quyết", RATE),
    ]
    body = [
        (n, r.label, r.received, r.closed, r.open, r.overdue, r.on_hold, r.closed_share)
        for n, r in enumerate(rows, 1)
    ]
    return Table(key, title, columns, body)


def _texts(pks: list[int]) -> dict[int, str]:
    rows = Recommendation.objects.order_by()
    if len(pks) < 1000:
        rows = rows.filter(pk__in=pks)
    wanted = set(pks)
    return {pk: text for pk, text in rows.values_list("pk", "text").iterator(5000) if pk in wanted}


def build_tables(figures: Figures) -> list[Table]:
    """Every table of the report, in the report's order."""
    with translation.override("vi"):
        return _build(figures)


def _build(figures: Figures) -> list[Table]:
    t, day = figures.totals, figures.scope.as_of
    share = (lambda n: n / t["received"]) if t["received"] else (lambda n: None)
    totals = [
        ("Tổng số kiến nghị đã tiếp nhận", t["received"], share(t["received"])),
        (
            f"Trong đó tiếp nhận trong kỳ ({vn_date(figures.scope.start)} – {vn_date(day)})",
            t["received_in_period"],
            share(t["received_in_period"]),
        ),
        ("Đã giải quyết", t["closed"], share(t["closed"])),
        *((f"– {OUTCOME_LABELS[s]}", n, share(n)) for s, n in figures.closed_by_outcome),
        ("Đang xử lý", t["open"], share(t["open"])),
        ("– Trong đó quá hạn", t["overdue"], share(t["overdue"])),
        ("– Trong đó tạm dừng (chờ ý kiến cấp trên)", t["on_hold"], share(t["on_hold"])),
    ]
    tables = [
        Table(
            "tong_hop",
            "Kết quả chung",
            [Column("Chỉ tiêu", TEXT), Column("Số kiến nghị"), Column("Tỷ lệ", RATE)],
            totals,
        ),
        _group_table("dia_phuong", "Theo địa phương", "Tỉnh, thành phố", figures.by_province),
    ]
    timing = {row.key: row for row in figures.timing_by_unit}
    units = _group_table("don_vi", "Theo đơn vị chủ trì", "Đơn vị chủ trì", figures.by_unit)
    units.columns += [
        Column("Trung vị số ngày xử lý", DAYS),
        Column("Phân vị 90 số ngày xử lý", DAYS),
        Column("Tỷ lệ đúng hạn", RATE),
    ]
    units.rows = [
        (*row, timing[r.key].median_days, timing[r.key].p90_days, timing[r.key].on_time_rate)
        for row, r in zip(units.rows, figures.by_unit, strict=True)
    ]
    tables += [
        units,
        _group_table("linh_vuc", "Theo lĩnh vực", "Lĩnh vực", figures.by_field),
        _group_table("chu_de", "Theo chủ đề", "Chủ đề", figures.by_theme),
        _group_table("doan_cong_tac", "Theo đoàn công tác", "Đoàn công tác", figures.by_delegation),
    ]
    open_count = t["open"]
    tables.append(
        Table(
            "thoi_gian_ton_dong",
            "Kiến nghị đang xử lý theo thời gian tồn đọng",
            [
                Column("Số ngày kể từ khi tiếp nhận", TEXT),
                Column("Số kiến nghị"),
                Column("Tỷ lệ", RATE),
            ],
            [
                (f"{label} ngày", n, n / open_count if open_count else None)
                for label, n in figures.ageing
            ],
        )
    )
    tables.append(
        Table(
            "theo_thang",
            "Diễn biến theo tháng",
            [
                Column("Tháng", TEXT),
                Column("Tiếp nhận"),
                Column("Đã giải quyết"),
                Column("Tồn cuối tháng"),
            ],
            [(m.month.strftime("%m/%Y"), m.received, m.closed, m.backlog) for m in figures.months],
        )
    )
    overdue, annex = figures.overdue_states(), figures.open_states()
    texts = _texts([s.pk for s in annex])
    provinces = dict(Province.objects.values_list("pk", "name"))
    units_by_pk = figures.units
    labels = dict(Status.choices)

    def unit_name(state):
        return units_by_pk[state.unit_id].name if state.unit_id in units_by_pk else ""

    tables.append(
        Table(
            "qua_han",
            "Danh sách kiến nghị quá hạn",
            [
                Column("STT"),
                Column("Tỉnh, thành phố", TEXT),
                Column("Nội dung kiến nghị", TEXT),
                Column("Đơn vị chủ trì", TEXT),
                Column("Hạn xử lý", DATE),
                Column("Số ngày quá hạn"),
            ],
            [
                (
                    n,
                    provinces[s.province_id],
                    texts.get(s.pk, ""),
                    unit_name(s),
                    s.due_date,
                    (day - s.due_date).days,
                )
                for n, s in enumerate(overdue, 1)
            ],
        )
    )

    def last_step(state):
        moment = state.last_on
        what = "Ghi nhận tiến độ" if state.last_was_note else str(labels[state.status])
        return f"{what} ({vn_date(moment)})"

    tables.append(
        Table(
            "phu_luc",
            "Phụ lục: Danh sách kiến nghị đang xử lý",
            [
                Column("STT"),
                Column("Tỉnh, thành phố", TEXT),
                Column("Nội dung kiến nghị", TEXT),
                Column("Đơn vị chủ trì", TEXT),
                Column("Hạn xử lý", DATE),
                Column("Bước gần nhất", TEXT),
            ],
            [
                (
                    n,
                    provinces[s.province_id],
                    texts.get(s.pk, ""),
                    unit_name(s),
                    s.due_date,
                    last_step(s),
                )
                for n, s in enumerate(annex, 1)
            ],
        )
    )
    return tables
