#!/usr/bin/python3
"""Writes the inputs of the annotate tests with programs other than ours:
openpyxl (Debian python3-openpyxl) for the workbook, Python's codecs for
the CSV files. Run from this directory: /usr/bin/python3 make.py"""
import datetime

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

wb = Workbook()
info = wb.active
info.title = "Info"
info["A1"] = "Read me first"
info["A2"] = "The staff are on the next sheet."
info["B5"] = 42

staff = wb.create_sheet("Staff")
staff["A1"] = "Staff list 2025"
staff["A1"].font = Font(bold=True, size=14)
staff.merge_cells("A1:D1")
header = ["ログイン名", "表示名", "email", "password", "従業員番号", "入社日", "内線"]
for i, h in enumerate(header, start=1):
    c = staff.cell(row=3, column=i, value=h)
    c.font = Font(bold=True)
    c.fill = PatternFill("solid", fgColor="DDDDDD")
rows = [
    ["taro", "山田 太郎", "taro@example.com", "p@ss'w0rd ", "00123", datetime.date(2025, 4, 1), 1234],
    ["ha na", "鈴木 花子", "hana@example", "'quoted", "00124", datetime.date(2025, 4, 2), 1235],
    ["jiro", "", "jiro@example.com", "日本語パス", "00125", datetime.date(2025, 4, 3), 1236],
    ["saburo", "佐藤 三郎", "saburo@example.com", "*", "00126", datetime.date(2025, 4, 4), None],
    ["shiro", "高橋 四郎", "shiro@example.com", "=not a formula", "00127", datetime.date(2025, 4, 5), 1238],
]
for r, values in enumerate(rows, start=4):
    for c, v in enumerate(values, start=1):
        cell = staff.cell(row=r, column=c, value=v)
        if c == 5:
            cell.number_format = "@"
        if c == 6:
            cell.number_format = "yyyy/mm/dd"
# shiro's password is text that starts with "=", not a formula.
staff["D8"].data_type = "s"
# A problem cell with a style of its own, which must survive the fill.
staff["C5"].font = Font(bold=True, color="0000FF", italic=True)
# A note the person wrote, on a cell that gets a finding too.
staff["B6"].comment = Comment("ask HR for the name", "Keiko")
# A note the person wrote on a cell without a finding.
staff["A4"].comment = Comment("the boss", "Keiko")
# A cell beyond the header, in a data row: the status must not cover it.
staff["I5"] = "see mail"
staff.column_dimensions["B"].width = 20

hidden = wb.create_sheet("Lists")
hidden["A1"] = "kintone"
hidden["A2"] = "garoon"
hidden["B1"] = "=COUNTA(A1:A2)"
hidden.sheet_state = "hidden"
wb.save("staff.xlsx")

# Shift_JIS (CP932) CSV as Japanese Excel writes it: CRLF, a quoted cell
# over two lines, an empty line, a row wider than the header.
sjis = (
    "ログイン名,表示名,従業員番号,password,メモ\r\n"
    "taro,山田 太郎,00123,p@ss w0rd,\"二行の\r\nメモ\"\r\n"
    "ｈａｎａ,鈴木 花子,00124,'quoted,①㈱髙\r\n"
    "\r\n"
    "jiro,,00125,日本語パス,,extra\r\n"
    "saburo,佐藤 三郎,00126,*,\r\n"
)
with open("users_sjis.csv", "wb") as f:
    f.write(sjis.encode("cp932"))

# Windows-1252 with semicolons, as European Excel writes "CSV (;)".
latin = (
    "code;displayName;employeeNumber;password\r\n"
    "francois;François Müller;007;Crème brûlée!\r\n"
    "zoe;Zoë;;=1+1\r\n"
)
with open("users_1252.csv", "wb") as f:
    f.write(latin.encode("cp1252"))
