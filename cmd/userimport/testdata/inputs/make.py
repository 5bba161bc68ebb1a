#!/usr/bin/python3
"""Writes the input files of cmd/userimport/inputs_test.go with programs other
than userimport: openpyxl for workbooks (it writes formulas without a cached
value, as many scripts do) and Python's codecs for the CSV encodings that
spreadsheet programs save.

Run from this directory (Debian: apt-get install python3-openpyxl):

    /usr/bin/python3 make.py
"""
import datetime

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils.datetime import CALENDAR_MAC_1904


def staff_workbook():
    """A workbook as HR keeps it: a first sheet of notes, then the users
    under a title row, with every trap a spreadsheet sets."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "README"
    notes["A1"] = "Fill in the sheet Staff. One user per row."
    ws = wb.create_sheet("Staff")
    ws["A1"] = "Staff list 2025"
    ws.append([])
    ws.append(["ログイン名\n(必須)", "表示名※", "password", "employeeNumber", "phone", "description",
               "email", "joinDate", "note"])  # row 3
    # row 4: numbers typed into text columns; the format keeps the zeros
    ws.append(["alice", "Alice", "Alice-Pass-2025", 123, 312345679, "Sales", "alice@example.com",
               datetime.date(2025, 4, 1), "ok"])
    ws["D4"].number_format = "00000"
    ws["H4"].number_format = "yyyy/m/d"
    # rows 5-7: a description merged down three rows
    ws.append(["bob", "Bob", "Bob-Pass-2025", "E456", "03-1234-5678", "Dev team", "bob@example.com", None, None])
    ws.merge_cells("F5:F7")
    ws["F5"].alignment = Alignment(vertical="center")
    ws.append(["carol", "Carol", "Carol-Pass-2025", "00789", None, None, "carol@example.com", None, None])
    # row 7: a formula openpyxl cannot calculate: no cached value
    ws.append(["dave", "Dave", "Dave-Pass-2025", "01000", None, None, None, None, None])
    ws["G7"] = '=LOWER("DAVE")&"@example.com"'
    # row 8: hidden by hand
    ws.append(["erin", "Erin", "Erin-Pass-2025", "02000", None, "Ops", "erin@example.com", None, None])
    ws.row_dimensions[8].hidden = True
    # row 9: an Excel error in a column nobody imports
    ws.append(["frank", "Frank", "Frank-Pass-2025", "03000", None, "Ops", "frank@example.com", None, None])
    c = ws.cell(row=9, column=9, value="#DIV/0!")
    c.data_type = "e"
    # row 10: an Excel error as the display name
    ws.append(["gina", None, "Gina-Pass-2025", "04000", None, "QA", "gina@example.com", None, None])
    c = ws.cell(row=10, column=2, value="#N/A")
    c.data_type = "e"
    # row 11: filtered out by an AutoFilter, as Excel stores it
    ws.append(["hank", "Hank", "Hank-Pass-2025", "05000", None, "QA", "hank@example.com", None, None])
    ws.auto_filter.ref = "A3:I11"
    ws.row_dimensions[11].hidden = True
    wb.save("staff.xlsx")


def dates_1904_workbook():
    """A workbook of the 1904 date system (old Mac Excel)."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Users"
    ws.append(["code", "name", "password", "joinDate", "birthDate"])
    ws.append(["mac", "Mac User", "Mac-Pass-2025", datetime.date(2025, 4, 1), datetime.date(1990, 12, 31)])
    ws["D2"].number_format = "yyyy-mm-dd"
    ws["E2"].number_format = 'yyyy"年"m"月"d"日"'
    wb.save("dates1904.xlsx")


def hidden_workbook():
    """Every user row hidden: with --skip-hidden nothing is left."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "password"])
    ws.append(["ivan", "Ivan", "Ivan-Pass-2025"])
    ws.append(["jane", "Jane", "Jane-Pass-2025"])
    ws.row_dimensions[2].hidden = True
    ws.row_dimensions[3].hidden = True
    wb.save("hidden.xlsx")


def write(name, text, encoding):
    with open(name, "wb") as f:
        f.write(text.encode(encoding))


def csv_files():
    # Excel on a Western-European Windows: "CSV" is Windows-1252 ("ANSI").
    write("latin.csv", "\r\n".join([
        "code,name,password,email",
        "francois,François Müller,Pass-Fr-2025,f@example.com",
        "zoe,Zoë Renée,Pass-Zo-2025,z@example.com",
    ]) + "\r\n", "cp1252")
    # Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated.
    write("unicode.txt", "\r\n".join([
        "ログイン名\t表示名\tパスワード\tメールアドレス",
        "yamada\t山田 太郎\tPass-Ya-2025\tyamada@example.com",
        "muller\tMüller\tPass-Mu-2025\tm@example.com",
    ]) + "\r\n", "utf-16")
    # European Excel: semicolons, a comma inside a name.
    write("semicolon.csv", "\ufeff" + "\r\n".join([
        "code;name;password;sortOrder",
        "anna;Müller, Anna;Pass-An-2025;15",
        "ben;Ben;Pass-Be-2025;2",
    ]) + "\r\n", "utf-8")
    # cybozu.com's own encoding in Japan: half-width katakana, NEC and IBM
    # extensions (①, ㈱, 髙).
    write("cp932.csv", "\r\n".join([
        "ログイン名,表示名,パスワード,よみがな(姓),コメント",
        "takahashi,髙橋 ①,Pass-Ta-2025,ﾀｶﾊｼ,㈱営業部",
        "yamada,山田 太郎,Pass-Ya-2025,ﾔﾏﾀﾞ,総務",
    ]) + "\r\n", "cp932")


staff_workbook()
dates_1904_workbook()
hidden_workbook()
csv_files()
