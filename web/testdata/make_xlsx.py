#!/usr/bin/python3
"""Writes staff-with-errors.xlsx, the workbook the browser tests upload.

It is made by openpyxl (Debian python3-openpyxl), not by this project's
own writer, so the tests read a file as another program writes it: a title
row above the header, the labels HR staff use, and rows with mistakes.

    /usr/bin/python3 web/testdata/make_xlsx.py
"""
import os
from openpyxl import Workbook

wb = Workbook()
ws = wb.active
ws.title = "Staff"
ws.append(["Staff list - April 2025"])
ws.append(["Login Name", "Display Name", "E-mail Address", "Password", "Time Zone", "Employee ID"])
rows = [
    ["aiko.sato", "Aiko Sato", "aiko.sato@example.com", "Welcome-2025-a", "Asia/Tokyo", "E1001"],
    ["sales/bob", "Bob Brown", "bob.brown@example.com", "Welcome-2025-b", "Asia/Tokyo", "E1002"],
    ["chika.ito", "", "chika.ito@example.com", "Welcome-2025-c", "Asia/Tokyo", "E1003"],
    ["daisuke.kato", "<img src=x onerror=alert(1)>", "daisuke.kato@example.com", "Welcome-2025-d", "Asia/Tokyo", "E1004"],
    ["aiko.sato", "Aiko Sato (again)", "aiko.sato2@example.com", "Welcome-2025-e", "Asia/Tokyo", "E1005"],
    ["emi.yamada", "Emi Yamada", "emi.yamada@example", "Welcome-2025-f", "Asia/Tokyo", "E1006"],
    ["fumio.abe", "Fumio Abe", "fumio.abe@example.com", "Welcome-2025-g", "Europe/London", "E1007"],
    ["goro.mori", "Goro Mori", "goro.mori@example.com", "Welcome-2025-h", "Asia/Tokyo", "E1008"],
]
for r in rows:
    ws.append(r)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "staff-with-errors.xlsx")
wb.save(out)
print(out)
