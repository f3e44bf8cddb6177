#!/usr/bin/env python3
"""Writes the Excel seeds of the `excel_import` fuzz target into fuzz/seeds/excel_import/.

    python3 fuzz/make_seeds.py [path/to/govit]     # default ./target/debug/govit; needs openpyxl

- template-2027.xlsx: the blank proposal template govit offers (`govit export template --year 2027`), with its
  title, headers, dropdowns and 说明 sheet.
- filled-2027.xlsx: that template with three rows a unit would fill in (whole numbers as numbers, as Excel
  keeps them), the rows of crates/app/tests/exchange.rs; it imports for 市民政局.
"""
import os
import subprocess
import sys

import openpyxl

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
govit = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target", "debug", "govit")
out = os.path.join(here, "seeds", "excel_import")
os.makedirs(out, exist_ok=True)

template = os.path.join(out, "template-2027.xlsx")
subprocess.run([govit, "export", "template", "--year", "2027", "-o", template], check=True)

rows = [
    ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "1200000", "否", "否", ""],
    ["救助对象动态监测系统", "information_resource_database", "upgrade", "政府向社会购买服务", "30万", "", "", ""],
    ["婚姻登记智能终端配套系统", "电子政务基础设施", "新建", "政府投资建设", "80.5万元", "是", "否", ""],
]
book = openpyxl.load_workbook(template)
sheet = book["申报表"]
assert sheet.cell(row=1, column=1).value == "2027年度政务信息化项目年度计划申报表"
for r, row in enumerate(rows, start=3):
    for c, value in enumerate(row, start=1):
        if value.isdigit():
            sheet.cell(row=r, column=c, value=int(value))
        elif value:
            sheet.cell(row=r, column=c, value=value)
book.save(os.path.join(out, "filled-2027.xlsx"))
print("wrote", out)
