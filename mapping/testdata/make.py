#!/usr/bin/python3
"""Writes the mapping tests' input files with programs other than userimport:
Python's csv module (as a script or Excel would write cybozu.com's files) and
openpyxl (a workbook with a title row above a decorated header).

Run from this directory: /usr/bin/python3 make.py   (Debian: apt-get install python3-openpyxl)
"""
import csv

import openpyxl
from openpyxl.styles import Font


def write_csv(name, rows, encoding="utf-8"):
    with open(name, "w", newline="", encoding=encoding) as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


# cybozu.com's users file without a header: 25 fixed columns and one custom
# item after 削除. "*" leaves a value unchanged; 削除 = 1 deletes.
def user(login, name, new, pw, sur, given, emp="", join="", delete="", custom=""):
    return [login, name, new, pw, sur, given, "", "", "", "", f"{login}@example.com", "1", "ja",
            "Asia/Tokyo", "", "", "", "", emp, join, "", "", "", "", delete, custom]


users = [
    user("takahashi", "高橋 健太", "*", "Initial-Pass-1", "高橋", "健太", "00123", "2025/04/01", "", "本社"),
    user("kato", "*", "kato2", "*", "*", "*", "*", "*", "*", "*"),
    user("suzuki", "鈴木 拓也", "suzuki", "*", "鈴木", "拓也", "", "", "1", ""),
]
write_csv("cybozu_users_noheader.csv", users)
# The same in CP932, as cybozu.com's screen exports it in Japan (for the reader's
# and the pipeline's tests: decoding is not this package's job).
write_csv("cybozu_users_noheader_sjis.csv", users, encoding="cp932")

# The same with the header cybozu.com's Japanese export writes.
ja_header = ["ログイン名", "表示名", "新ログイン名", "パスワード", "姓", "名", "よみがな(姓)", "よみがな(名)",
             "別言語での表示名", "別言語の名前を表示する言語", "E-mail", "使用状態", "言語", "タイムゾーン",
             "電話番号", "内線", "携帯", "URL", "従業員ID", "入社日", "誕生日", "コメント", "表示優先度",
             "Skype名", "削除", "customItem.office"]
write_csv("cybozu_users_header_ja.csv", [ja_header] + users)

# The services file: a login name and two-letter codes; no code = remove all.
services = [["takahashi", "ki", "gr", "sa"], ["kato", "ki", "", ""], ["suzuki", "", "", ""]]
write_csv("cybozu_services_noheader.csv", services)
write_csv("cybozu_services_header.csv", [["ログイン名", "サービスコード1", "サービスコード2", "サービスコード3"]] + services)

# The departments-of-users file: login, department code, title code, ...
departments = [["ログイン名", "組織コード1", "役職コード1", "組織コード2", "役職コード2"],
               ["takahashi", "org001", "director", "org002", "manager"],
               ["kato", "org001", "", "org002", ""],
               ["suzuki", "", "", "", ""]]
write_csv("cybozu_departments_header.csv", departments)
write_csv("cybozu_departments_noheader.csv", departments[1:])

# A workbook as HR keeps it: a title row, a blank row, then a header whose
# labels carry line breaks, (必須), ※ and full-width brackets, and the labels
# of cybozu's documentation.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "社員"
ws["A1"] = "社員名簿（2025年4月）"
ws["A1"].font = Font(bold=True, size=14)
ws.merge_cells("A1:F1")
ws.append([])
ws.append(["ログイン名\n(必須)", "表示名※", "パスワード（必須）", "従業員番号", "携帯電話番号", "内線番号",
           "メールアドレス", "よみがな（姓）", "Emial", "削除"])
ws.append(["yamada", "山田 太郎", "Pass-2025-a", "E0001", "090-1111-2222", "1234", "yamada@example.com",
           "やまだ", "x", ""])
ws.append(["sato", "佐藤 花子", "*", "E0002", "080-3333-4444", "5678", "sato@example.com", "さとう", "", "1"])
wb.save("title_row.xlsx")
