"""The printable statement of account (fpdf2, A4 portrait).

Core fonts only (Helvetica): nothing to ship or find on the server, and the text stays plain
in the file. They cover Latin-1, which holds Portuguese; anything beyond is transliterated.
"""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from unidecode import unidecode

from custledger.statement.service import Header, Line

# Column titles, widths (mm, summing to the 180 mm between margins) and alignments.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("Date", 20, "L"),
    ("Type", 19, "L"),
    ("Reference", 19, "R"),
    ("", 3, "L"),
    ("Description", 44, "L"),
    ("Debit", 24, "R"),
    ("Credit", 24, "R"),
    ("Balance", 27, "R"),
)
ROW_HEIGHT = 5.6
TYPE_NAMES = {
    "payment": "Payment",
    "delivery": "Delivery",
    "returned_cheque": "Returned chq.",
    "order": "Order",
    "cancelled": "Cancelled",
    "quote": "Quote",
}
# Helvetica advance widths (1/1000 em, from its AFM) of what right-aligned columns hold:
# measuring these directly is far cheaper than get_string_width() on every cell.
NUMERIC_WIDTHS = {**dict.fromkeys("0123456789", 556), ".": 278, ",": 278, "-": 333}
RED = (176, 0, 32)
GREEN = (0, 110, 50)
BLACK = (0, 0, 0)
GREY = (110, 110, 110)


def latin1(text: str) -> str:
    """Text the core fonts can draw: Latin-1 kept, anything else transliterated."""
    return "".join(char if ord(char) < 256 else (unidecode(char) or "?") for char in text).replace(
        "\x00", ""
    )


def money(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    units, fraction = divmod(abs(cents), 100)
    return f"{sign}{units:,}.{fraction:02d}"


def tax_id(digits: str | None) -> str:
    if not digits:
        return ""
    if len(digits) == 11:
        return f"CPF {digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"
    if len(digits) == 14:
        return f"CNPJ {digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
    return f"Tax id {digits}"


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else "-"


class StatementPdf(FPDF):
    def __init__(self, header: Header, business_name: str, currency: str, today: date) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.statement = header
        self.business_name = latin1(business_name)
        self.currency = currency
        self.today = today
        self.period: tuple[date | None, date | None] = (header.since, header.until)
        self.started = False
        self.in_table = False
        self.shade = False
        self.customer_label = latin1(header.customer_name)
        if header.customer_number is not None:
            self.customer_label += f" (no. {header.customer_number})"
        self.set_margins(15, 14, 15)
        # (left edge, width, alignment) of every column.
        self.grid: list[tuple[float, float, str]] = []
        left = 15.0
        for _title, width, align in COLUMNS:
            self.grid.append((left, width, align))
            left += width
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(latin1(f"Statement of account - {header.customer_name}"))
        self.set_author(self.business_name)
        self.set_creator("custledger")

    # Page furniture -----------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            self._first_page_header()
        else:
            self.set_font("Helvetica", "B", 9)
            self.cell(110, 5, self._fit(self.business_name, 110))
            self.set_font("Helvetica", "", 9)
            self.cell(0, 5, "Statement of account (continued)", align="R")
            self.ln(5)
            self.set_text_color(*GREY)
            self.cell(110, 5, self._fit(self.customer_label, 110))
            self.cell(0, 5, f"Period {day(self.period[0])} to {day(self.period[1])}", align="R")
            self.set_text_color(*BLACK)
            self.ln(7)
        if self.in_table:
            self._column_titles()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 7.5)
        self.set_text_color(*GREY)
        self.cell(120, 5, self._fit(f"{self.business_name} - {self.customer_label}", 120))
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*BLACK)

    def _first_page_header(self) -> None:
        self.set_font("Helvetica", "B", 15)
        self.cell(110, 8, self._fit(self.business_name, 110))
        self.set_font("Helvetica", "B", 12)
        self.cell(0, 8, "Statement of account", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)
        details = [
            ("Customer", self.customer_label),
            ("Tax id", tax_id(self.statement.customer_tax_id) or "-"),
            ("Period", f"{day(self.period[0])} to {day(self.period[1])}"),
        ]
        issued = [("Issued", self.today.isoformat()), ("Currency", self.currency)]
        top = self.get_y()
        for label, value in details:
            self.set_font("Helvetica", "", 9)
            self.set_text_color(*GREY)
            self.cell(22, 5.5, label)
            self.set_text_color(*BLACK)
            self.set_font("Helvetica", "B" if label == "Customer" else "", 9.5)
            self.cell(98, 5.5, self._fit(latin1(value), 98), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = self.get_y()
        self.set_y(top)
        for label, value in issued:
            self.set_x(self.w - self.r_margin - 55)
            self.set_font("Helvetica", "", 9)
            self.set_text_color(*GREY)
            self.cell(20, 5.5, label)
            self.set_text_color(*BLACK)
            self.cell(35, 5.5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(bottom + 4)

    def _fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
        room = width - 2 * self.c_margin
        if self.get_string_width(text) <= room:
            return text
        while text and self.get_string_width(text + "...") > room:
            text = text[:-1]
        return text.rstrip() + "..."

    def _column_titles(self) -> None:
        self.set_font("Helvetica", "B", 8.5)
        self.set_fill_color(225, 228, 232)
        for title, width, align in COLUMNS:
            self.cell(width, 6.5, title, align=align, fill=True)
        self.ln(6.5)
        self.shade = False

    # Body ---------------------------------------------------------------------------------

    def begin(self, period: tuple[date | None, date | None], opening: int) -> None:
        """The first page, the column titles and the opening-balance row."""
        self.period = period
        self.started = True
        self.add_page()
        self.in_table = True
        self._column_titles()
        self._summary_row(day(period[0]), "Opening balance", opening)

    def add_lines(self, lines: list[Line]) -> None:
        self.set_font("Helvetica", "", 8.5)
        for line in lines:
            self._row(line)

    def _row(self, line: Line) -> None:
        # text() rather than cell(): cell() costs ~5x more per call, which matters at tens
        # of thousands of rows; the layout here is a fixed grid anyway.
        if self.y + ROW_HEIGHT > self.page_break_trigger:
            self.add_page()
            self.set_font("Helvetica", "", 8.5)
        top = self.y
        if self.shade:
            self.set_fill_color(246, 247, 249)
            self.rect(self.l_margin, top, self.epw, ROW_HEIGHT, style="F")
        baseline = top + ROW_HEIGHT / 2 + 1.05
        activity = line.balance is None
        if activity:
            self.set_text_color(*GREY)
        values = (
            line.date.isoformat(),
            TYPE_NAMES.get(line.type, line.type),
            str(line.reference),
            "",
            latin1(line.description),
            money(line.debit),
            money(line.credit),
        )
        for (left, width, align), value in zip(self.grid, values, strict=False):
            if value:
                self._text(left, width, align, baseline, value)
        if line.balance is not None:
            left, width, align = self.grid[-1]
            self.set_text_color(*(RED if line.balance < 0 else GREEN))
            self._text(left, width, align, baseline, money(line.balance))
        self.set_text_color(*BLACK)
        self.set_y(top + ROW_HEIGHT)
        self.shade = not self.shade

    def _text(self, left: float, width: float, align: str, baseline: float, value: str) -> None:
        if align == "R":
            self.text(left + width - self.c_margin - self._width(value), baseline, value)
        else:
            self.text(left + self.c_margin, baseline, value)

    def _width(self, value: str) -> float:
        if all(char in NUMERIC_WIDTHS for char in value):
            em = sum(NUMERIC_WIDTHS[char] for char in value)
            return float(em * self.font_size / 1000)
        return float(self.get_string_width(value))

    def _summary_row(self, when: str, label: str, balance: int) -> None:
        if self.will_page_break(ROW_HEIGHT + 1):
            self.add_page()
        self.set_font("Helvetica", "B", 8.5)
        self.set_draw_color(150, 150, 150)
        widths = [width for _title, width, _align in COLUMNS]
        self.cell(widths[0], ROW_HEIGHT + 1, when, border="TB")
        self.cell(sum(widths[1:-1]), ROW_HEIGHT + 1, label, border="TB")
        self.set_text_color(*(RED if balance < 0 else GREEN))
        self.cell(widths[-1], ROW_HEIGHT + 1, money(balance), border="TB", align="R")
        self.set_text_color(*BLACK)
        self.ln(ROW_HEIGHT + 1)
        self.shade = False

    def finish(
        self, last: date | None, closing: int, received: int, delivered: int, returned: int = 0
    ) -> bytes:
        """The closing-balance row, the period's totals, and the document's bytes."""
        self._summary_row(day(last), "Closing balance", closing)
        self.in_table = False
        if self.will_page_break(24):
            self.add_page()
        self.ln(5)
        totals = [
            ("Total received in the period", received),
            ("Total delivered in the period", delivered),
            *([("Returned cheques in the period", returned)] if returned else []),
            ("Closing balance", closing),
        ]
        for label, amount in totals:
            self.set_x(self.w - self.r_margin - 95)
            self.set_font("Helvetica", "", 9)
            self.cell(60, 5.5, label)
            self.set_font("Helvetica", "B", 9)
            self.cell(35, 5.5, f"{money(amount)} {self.currency}", align="R")
            self.ln(5.5)
        self.ln(3)
        self.set_font("Helvetica", "I", 7.5)
        self.set_text_color(*GREY)
        self.multi_cell(
            0,
            4,
            "Balance = payments received - deliveries - returned cheques. A negative balance "
            "is owed by the "
            "customer. Order, Cancelled and Quote rows carry no amount.",
        )
        self.set_text_color(*BLACK)
        return bytes(self.output())
