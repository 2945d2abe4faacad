#!/usr/bin/env python3
"""
make_table_fixtures.py: writes the small CSV and XLSX fixtures that tests/unit/test_table.c
reads (python3 stdlib only). The XLSX parts are written by hand, the way Excel writes them, to
cover what a libxlsxwriter round trip does not: rich text with phonetic runs, inline strings,
cell-reference gaps, date styles (built-in and custom), the 1904 date system, namespace
prefixes, a sheet other than sheet1.xml, formula strings, booleans and error cells.
Run from anywhere: python3 tests/data/make_table_fixtures.py
"""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CT = XML + ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>')


def xlsx(name, parts, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(os.path.join(HERE, name), 'w', method) as z:
        for path, text in [('[Content_Types].xml', CT)] + list(parts.items()):
            # A fixed timestamp keeps the fixtures byte-identical when regenerated.
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            z.writestr(info, text.encode('utf-8'), compress_type=method)


def basic():
    workbook = XML + f'''<workbook {NS} {RNS}><workbookPr/><sheets>
<sheet name="Hidden" sheetId="3" state="hidden" r:id="rId1"/>
<sheet name="Danh sách" sheetId="1" r:id="rId2"/>
<sheet name="Khác" sheetId="2" r:id="rId1"/></sheets></workbook>'''
    rels = XML + '''<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/./data/../sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>'''
    styles = XML + f'''<styleSheet {NS}><numFmts count="4">
<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>
<numFmt numFmtId="165" formatCode="#,##0 &quot;đ&quot;;[Red]-#,##0"/>
<numFmt numFmtId="166" formatCode="[h]:mm:ss"/>
<numFmt numFmtId="167" formatCode="yyyy\\-mm\\-dd hh:mm"/></numFmts>
<cellStyleXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" xfId="0"/><xf numFmtId="165" xfId="0"/><xf numFmtId="166" xfId="0"/>
<xf numFmtId="167" xfId="0"/><xf numFmtId="49" xfId="0"/></cellXfs>
<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs></styleSheet>'''
    sst = XML + f'''<sst {NS} count="8" uniqueCount="8">
<si><t>Tên</t></si>
<si><t>Mã</t></si>
<si><r><t xml:space="preserve">Nước </t></r><r><rPr><b/></rPr><t>mắm</t></r><rPh sb="0" eb="1"><t>ヌオック</t></rPh></si>
<si><t>00004</t></si>
<si><t>dòng 1_x000D_
dòng 2 _x005F_x0041_</t></si>
<si><t xml:space="preserve"> lead </t></si>
<si><t/></si>
<si><t>a&amp;b &lt;c&gt; "q"</t></si>
</sst>'''
    sheet2 = XML + f'''<worksheet {NS} {RNS}><dimension ref="A1:E8"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>
<sheetData>
<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Ngày</t></is></c><c r="D1" t="str"><f>"Gi"&amp;"á"</f><v>Giá</v></c><c r="E1" t="inlineStr"><is><r><t>C</t></r><r><t>ờ</t></r></is></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s" s="6"><v>3</v></c><c r="C2" s="1"><v>45292</v></c><c r="D2"><v>1.5E3</v></c><c r="E2" t="b"><v>1</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c><c r="D3" s="3"><v>0.30000000000000004</v></c><c r="E3" t="b"><v>0</v></c></row>
<row r="5"><c r="B5" s="2"><v>60</v></c><c r="C5" s="2"><v>61</v></c><c r="D5" s="5"><v>45292.5</v></c><c r="E5" s="4"><v>0.75</v></c></row>
<row r="6"><c r="A6" s="1"/><c r="B6" t="s"><v>6</v></c><c r="C6" s="2"/></row>
<row r="7"><c r="A7" t="str"><f>A1</f><v>Tên</v></c><c r="B7"><v>1000.0</v></c><c r="C7"><v>-0</v></c><c r="D7" t="s"><v>4</v></c><c r="E7" t="s"><v>5</v></c><c r="F7" s="1"/></row>
<row r="8"><c r="A8" t="s"><v>7</v></c><c t="inlineStr"><is><t>no ref</t></is></c><c r="C8"><v>12345678901234</v></c><c r="D8" s="2"><v>2958466</v></c></row>
</sheetData></worksheet>'''
    sheet1 = XML + f'''<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>'''
    xlsx('table_basic.xlsx', {
        'xl/workbook.xml': workbook, 'xl/_rels/workbook.xml.rels': rels,
        'xl/styles.xml': styles, 'xl/sharedStrings.xml': sst,
        'xl/worksheets/sheet1.xml': sheet1, 'xl/worksheets/sheet2.xml': sheet2})


def date1904():
    # Prefixed SpreadsheetML namespace, no rels and no sharedStrings: falls back to sheet1.xml.
    x = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    workbook = XML + f'<x:workbook {x}><x:workbookPr date1904="1"/><x:sheets/></x:workbook>'
    styles = XML + f'<x:styleSheet {x}><x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="15"/></x:cellXfs></x:styleSheet>'
    sheet = XML + f'''<x:worksheet {x}><x:sheetData>
<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Ngày</x:t></x:is></x:c></x:row>
<x:row r="2"><x:c r="A2" s="1"><x:v>0</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3" s="1"><x:v>43830</x:v></x:c></x:row>
</x:sheetData></x:worksheet>'''
    xlsx('table_1904.xlsx', {'xl/workbook.xml': workbook, 'xl/styles.xml': styles,
                             'xl/worksheets/sheet1.xml': sheet}, zipfile.ZIP_STORED)


def error_cell():
    workbook = XML + f'<workbook {NS}><sheets/></workbook>'
    sheet = XML + f'''<worksheet {NS}><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>
<row r="4"><c r="A4"><v>1</v></c><c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
</sheetData></worksheet>'''
    xlsx('table_error.xlsx', {'xl/workbook.xml': workbook, 'xl/worksheets/sheet1.xml': sheet})


def csv_files():
    rows = ['Tên;Mã số thuế;Địa chỉ', 'Hợp tác xã Nước mắm Phú Quốc;0101234567;"Dương Đông; Kiên Giang"',
            '', 'Cơ sở Bánh tráng;00004;"dòng 1\r\ndòng 2"']
    with open(os.path.join(HERE, 'table_excel_semicolon.csv'), 'wb') as f:
        f.write(b'\xef\xbb\xbf' + '\r\n'.join(rows).encode('utf-8') + b'\r\n')
    # What Vietnamese Excel writes with "CSV (Comma delimited)": Windows-1258 bytes.
    with open(os.path.join(HERE, 'table_windows1258.csv'), 'wb') as f:
        f.write('ten,ma\r\nHop tac xa,0001\r\n'.encode('ascii') + b'N\xf0\xf5\xec\xf3c m\xe1m,0002\r\n')
    # "Unicode Text": UTF-16LE with BOM.
    with open(os.path.join(HERE, 'table_utf16.csv'), 'wb') as f:
        f.write('\ufeffTên\tMã\r\nA\t1\r\n'.encode('utf-16-le'))


if __name__ == '__main__':
    basic()
    date1904()
    error_cell()
    csv_files()
