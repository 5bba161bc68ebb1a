#!/usr/bin/python3
"""Writes the input files of sheet/files_test.go with programs other than
ours: Python's codecs for the CSV encodings, openpyxl for workbooks, and
LibreOffice for a workbook whose formulas were calculated.

Rerun from the repository root (Debian: apt-get install python3-openpyxl
libreoffice-calc):

    /usr/bin/python3 sheet/testdata/make.py

The output is deterministic except for the LibreOffice file's metadata.
"""
import datetime
import os
import shutil
import subprocess
import tempfile

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils.datetime import CALENDAR_MAC_1904

OUT = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def csv_files():
    rows = [
        "code,name,email,description",
        "francois,François Müller,f@example.com,Café crème",
        "zoe,Zoë Renée,z@example.com,“quoted” – dash",
        "jose,José Ñúñez,j@example.com,",
    ]
    write("cp1252.csv", ("\r\n".join(rows) + "\r\n").encode("cp1252"))

    # Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF.
    tab = ["ログイン名\t表示名\tメールアドレス", "yamada\t山田 太郎\tyamada@example.com", "muller\tMüller\tm@example.com"]
    write("unicode-text.txt", ("\r\n".join(tab) + "\r\n").encode("utf-16"))  # BOM + native (LE)
    write("utf16be.csv", b"\xfe\xff" + ("\n".join(r.replace("\t", ",") for r in tab) + "\n").encode("utf-16-be"))
    write("utf32.csv", ("\n".join(rows) + "\n").encode("utf-32"))

    # European Excel: semicolons, decimal commas, a comma inside a name.
    semi = ["code;name;sortOrder", "anna;Müller, Anna;1,5", "ben;Ben;2"]
    write("semicolon.csv", ("\ufeff" + "\r\n".join(semi) + "\r\n").encode("utf-8"))

    # cybozu.com's own encoding: half-width katakana, NEC and IBM extensions.
    sj = ["ログイン名,表示名,よみがな,部署", "takahashi,髙橋 ①,ﾀｶﾊｼ,㈱営業部", "yamada,山田 太郎,ﾔﾏﾀﾞ,総務"]
    write("cp932.csv", ("\r\n".join(sj) + "\r\n").encode("cp932"))

    # UTF-8 that went through another encoding and back.
    moji = [
        "code,name,description",
        "muller," + "Müller".encode("utf-8").decode("latin-1") + ",ok",
        "tanaka," + "田中".encode("utf-8").decode("cp1252") + ",ok",
        "yamada," + "山田".encode("utf-8").decode("cp932", errors="replace") + ",ok",
        "clean,Zoë 山田,ok",
    ]
    write("mojibake.csv", ("\n".join(moji) + "\n").encode("utf-8"))

    write("cr-only.csv", "code,name\rann,Ann\rbob,Bob\r".encode("utf-8"))
    write("multiline.csv", 'code,description\r\na,"one\r\ntwo"\r\n\r\nb,x\r\nc,"p\r\nq\r\nr"\r\nd,y\r\n'.encode("utf-8"))

    marker = "#userimport export: a leading ' before = + - @ is an escape"
    exp = ["code,password,description", "u1,'=Abc-12345,\"'=HYPERLINK(\"\"x\"\")\"", "u2,,'@SUM(1)"]
    write("export-marked.csv", ("\ufeff" + marker + "\r\n" + "\r\n".join(exp) + "\r\n").encode("utf-8"))
    # The same after a spreadsheet saved it: the marker row padded.
    write("export-resaved.csv", (marker + ",,\r\n" + "\r\n".join(exp) + "\r\n").encode("utf-8"))
    write("unmarked.csv", ("\r\n".join(exp) + "\r\n").encode("utf-8"))

    write("text-named.xlsx", "code,name\nann,Ann\n".encode("utf-8"))


def traps_workbook(path):
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "README"
    readme["A1"] = "Fill in the sheet Staff."
    readme["A2"] = "One user per row."

    ws = wb.create_sheet("Staff")
    ws["A1"] = "Staff list 2025"
    ws.append([])
    ws.append(["ログイン名\n(必須)", "表示名", "employeeNumber", "phone", "部署", "email", "note"])  # row 3
    ws.append(["alice", "Alice", 123, 312345679, "Sales", "alice@example.com", "ok"])  # row 4
    ws["C4"].number_format = "00000"
    ws.append(["bob", "Bob", 456, "03-1234", "Dev", "bob@example.com", None])  # row 5
    ws.merge_cells("E5:E7")  # department merged down
    ws["E5"].alignment = Alignment(vertical="center")
    ws.append(["carol", "Carol", "00789", "", None, "carol@example.com", None])  # row 6
    ws.append(["dave", "Dave", "01000", "", None, None, None])  # row 7
    ws["F7"] = '=LOWER("DAVE")&"@example.com"'  # no cached value: openpyxl does not calculate
    ws.append(["erin", "Erin", "02000", "", "Ops", "erin@example.com", None])  # row 8
    ws.row_dimensions[8].hidden = True
    errors = ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"]
    for i, e in enumerate(errors):  # rows 9-17
        r = 9 + i
        ws.cell(row=r, column=1, value="err%d" % i)
        ws.cell(row=r, column=2, value="Err")
        c = ws.cell(row=r, column=7, value=e)
        c.data_type = "e"
    ws.append(["frank", "Frank", "03000", "", "Ops", "frank@example.com", None])  # row 18
    ws.append(["gina", "Gina", "04000", "", "QA", "gina@example.com", None])  # row 19
    ws.auto_filter.ref = "A3:G19"
    ws.auto_filter.add_filter_column(4, ["Sales", "Dev", "Ops"])
    ws.row_dimensions[19].hidden = True  # filtered out, as Excel stores it
    wb.save(path)


def formulas_workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Users"
    ws.append(["code", "name", "email"])
    ws.append(["ann", "Ann", '=A2&"@example.com"'])
    ws.append(["ben", '=UPPER("ben")', '=A3&"@example.com"'])
    wb.save(path)


def dates_workbook(path, epoch1904):
    wb = openpyxl.Workbook()
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["code", "joinDate", "birthDate"])
    ws.append(["ann", datetime.date(2025, 4, 1), datetime.datetime(1990, 12, 31, 0, 0)])
    ws["B2"].number_format = "yyyy/m/d"
    ws["C2"].number_format = 'yyyy"年"m"月"d"日"'
    wb.save(path)


def libreoffice_recalc(src, dst):
    """Opens src in LibreOffice, which calculates the formulas, and saves it
    as xlsx again."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", tmp, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.copy(os.path.join(tmp, os.path.basename(src)), dst)


def main():
    csv_files()
    traps_workbook(os.path.join(OUT, "traps.xlsx"))
    formulas_workbook(os.path.join(OUT, "formulas-openpyxl.xlsx"))
    libreoffice_recalc(os.path.join(OUT, "formulas-openpyxl.xlsx"), os.path.join(OUT, "formulas-libreoffice.xlsx"))
    dates_workbook(os.path.join(OUT, "dates1900.xlsx"), False)
    dates_workbook(os.path.join(OUT, "dates1904.xlsx"), True)


if __name__ == "__main__":
    main()
