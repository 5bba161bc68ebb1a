#!/usr/bin/python3
"""Fill in the Japanese users template the way an HR person would.

Usage: /usr/bin/python3 fill_template_ja.py template-ja-users.xlsx filled-ja-users.xlsx

It opens the template that `userimport template --lang ja` wrote, finds the
columns by their Japanese headers (a person reads the header, not the API
name), types over the example row and adds two more users. It writes values
only: no styles, no formats, no validations are touched, so whatever the
template set up (text columns, date columns, drop-downs) is what the values
meet. Dates are typed as dates, the display order as a number, everything
else as text, as Excel stores what a person types in those columns.

export/lang_test.go (TestFilledJapaneseTemplateImports) imports the result
into the simulator and requires no warning at all.
"""
import datetime
import sys

import openpyxl

USERS = [
    {
        "※ログイン名": "hanako.sato",
        "※表示名": "佐藤 花子",
        "※パスワード": "Welcome-2025-hs",
        "姓": "佐藤",
        "名": "花子",
        "よみがな(姓)": "さとう",
        "よみがな(名)": "はなこ",
        "E-mail": "hanako.sato@example.com",
        "使用状態": "true",
        "言語": "ja",
        "タイムゾーン": "Asia/Tokyo",
        "電話番号": "03-5555-0101",
        "内線": "0101",
        "従業員ID": "00123",
        "入社日": datetime.datetime(2025, 4, 1),
        "誕生日": datetime.datetime(1995, 7, 7),
        "表示優先度": 20,
        "利用サービス": "kintone",
        "所属組織": "sales:manager",
    },
    {
        "※ログイン名": "ichiro.suzuki",
        "※表示名": "鈴木 一郎",
        "※パスワード": "Welcome-2025-is",
        "姓": "鈴木",
        "名": "一郎",
        "よみがな(姓)": "すずき",
        "よみがな(名)": "いちろう",
        "別言語での表示名": "Ichiro Suzuki",
        "別言語の名前を表示する言語": "en",
        "E-mail": "ichiro.suzuki@example.com",
        "使用状態": "false",
        "言語": "en",
        "タイムゾーン": "America/Los_Angeles",
        "携帯": "090-5555-0202",
        "コメント": "海外駐在",
        "利用サービス": "kintone;garoon",
        "所属組織": "dev",
    },
    {
        "※ログイン名": "jiro.tanaka",
        "※表示名": "田中 次郎",
        "※パスワード": "Welcome-2025-jt",
        "タイムゾーン": "Asia/Tokyo",
        "URL": "https://example.com/jiro",
        "Skype名": "jiro.tanaka",
    },
]


def main(src, dst):
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1] if c.value}
    missing = {k for u in USERS for k in u} - set(col)
    if missing:
        sys.exit("headers not in the template: %s" % sorted(missing))
    # The example row is typed over: clear it first, as a person selecting
    # the row and pressing Delete would.
    for c in ws[2]:
        c.value = None
    for i, user in enumerate(USERS):
        for header, value in user.items():
            ws.cell(row=2 + i, column=col[header]).value = value
    wb.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
