#!/usr/bin/env python3
"""make_fixtures.py: the data sets of tests/http/test_programme.c (issue 11, "Check against the
programme's own figures").

Three registries that reproduce figures the OCOP programme published, each written as the three
CSV files a province imports with `ocop import producers|products|recognitions FILE`
(docs/import.md, Vietnamese headers):

  bentre/   Bến Tre (pre-2025 province 83), July 2022: 131 products of 54 producers, 66 at 3★ and
            65 at 4★; 41 of the 157 communes covered (26.11%): 34 xã, 5 phường, 2 thị trấn of
            the 9 districts and the city.
  laivung/  Lai Vung district (876, Đồng Tháp 87), 31 December 2023: 53 products, 48 at 3★ and
            5 at 4★.
  hatinh/   Hà Tĩnh (pre-2025 province 42), 31 December 2023: 284 products ever recognised, 67
            expired and not re-recognised, 217 in force: 206 at 3★ and 11 at 4★.

Each directory's README.md says how its records were built. The communes come from
data/units/units.tsv as they stood on the day counted (their type and district then), their 2025
communes from data/units/links-2025.tsv. Nothing is random: the same input gives the same files,
byte for byte. Run from anywhere with Python 3 (standard library only):

    python3 tests/data/programme/make_fixtures.py

and commit the CSV files it writes: the tests read them and do not need Python.
"""

import csv
import io
import os
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

PRODUCER_HEADER = ["Loại hình", "Tên chủ thể", "Số đăng ký kinh doanh", "Người đại diện", "Giới tính người đại diện",
                   "Địa chỉ", "Mã xã", "Mã xã cũ (trước 2025)", "Điện thoại", "Kênh bán hàng"]
PRODUCT_HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ tiêu chí", "Bộ sản phẩm", "Số ĐKKD chủ thể", "Mô tả"]
RECOGNITION_HEADER = ["Mã sản phẩm", "Số sao", "Cấp công nhận", "Số quyết định", "Ngày quyết định",
                      "Số giấy chứng nhận", "Điểm"]

TYPE_LABEL = {"coop": "Hợp tác xã", "llc": "Công ty TNHH", "household": "Hộ sản xuất, kinh doanh có đăng ký",
              "private": "Doanh nghiệp tư nhân", "group": "Tổ hợp tác"}
LEVEL_LABEL = {"province": "Cấp tỉnh", "district": "Cấp huyện"}


# ---- reference data ------------------------------------------------------------------------------

class Units:
    """data/units/units.tsv and links-2025.tsv, asked about one day."""

    def __init__(self):
        with open(os.path.join(ROOT, "data", "units", "units.tsv"), encoding="utf-8", newline="") as f:
            self.rows = list(csv.DictReader(f, delimiter="\t"))
        self.links = {}
        with open(os.path.join(ROOT, "data", "units", "links-2025.tsv"), encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                if r["level"] == "commune":
                    self.links.setdefault(r["old_code"], []).append(r)

    @staticmethod
    def _in_force(r, day):
        return r["valid_from"] <= day and (r["valid_to"] == "" or r["valid_to"] >= day)

    def districts(self, province, day):
        return [r for r in self.rows if r["geo"] == "pre2025" and r["level"] == "district"
                and r["parent_code"] == province and self._in_force(r, day)]

    def communes(self, district, day):
        return [r for r in self.rows if r["geo"] == "pre2025" and r["level"] == "commune"
                and r["parent_code"] == district and self._in_force(r, day)]

    def commune(self, district, name, day, kind=None):
        """The commune of district called name on day (of type kind when given); exits otherwise."""
        found = [c for c in self.communes(district, day) if c["name"] == name and (kind is None or c["type"] == kind)]
        if len(found) != 1:
            sys.exit("make_fixtures: %d communes called %s %s in district %s on %s" % (len(found), kind or "", name,
                                                                                       district, day))
        return found[0]

    def new_code(self, old):
        """The 2025 commune of old commune `old`: the only one, or the first it went to in full
        (else the first listed), for the producers file's 'Mã xã'."""
        links = self.links.get(old)
        if not links:
            sys.exit("make_fixtures: commune %s has no 2025 successor in links-2025.tsv" % old)
        full = [l for l in links if l["part"] == "full"]
        return (full or links)[0]["new_code"]


# ---- names ---------------------------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ",
          "Dương", "Lý", "Đoàn", "Đinh", "Hoàng", "Lâm", "Mai"]
MALE = ["Văn Hùng", "Văn Tâm", "Minh Trí", "Văn Lợi", "Thanh Tùng", "Văn Phúc", "Quốc Bảo", "Hữu Nghĩa", "Văn Sang",
        "Công Danh", "Đức Thắng", "Văn Hải", "Minh Quang", "Văn Nam", "Thành Công", "Hoàng Long", "Văn Toàn"]
FEMALE = ["Thị Hồng", "Thị Lan", "Thị Thu Hà", "Thị Mai", "Ngọc Hân", "Thị Kim Loan", "Thị Thanh", "Thị Hạnh",
          "Thị Bích", "Thị Ngọc Diễm", "Thị Hương", "Thị Tuyết", "Thị Phượng", "Thị Yến", "Thị Liên", "Thị Nga"]


def person(i):
    """A representative's name and gender, the i-th of a fixed sequence."""
    fam = FAMILY[(i * 7) % len(FAMILY)]
    if i % 5 in (1, 3):
        return "%s %s" % (fam, FEMALE[(i * 3) % len(FEMALE)]), "Nữ"
    return "%s %s" % (fam, MALE[(i * 5) % len(MALE)]), "Nam"


def brands(first, second):
    """Brand names: every pair of a first and a second word, in a fixed interleaved order."""
    out = []
    for k in range(len(first) * len(second)):
        a = first[k % len(first)]
        b = second[(k // len(first) + k) % len(second)]
        name = "%s %s" % (a, b)
        if name not in out:
            out.append(name)
    return out


def spread(items):
    """items in a fixed order that interleaves runs of equal items (a stride permutation), so
    that each kind of history lands in every district."""
    n = len(items)
    stride = next(s for s in range(37, n + 37) if _gcd(s, n) == 1)
    return [items[(j * stride) % n] for j in range(n)]


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def dmy(iso):
    return "%s/%s/%s" % (iso[8:10], iso[5:7], iso[0:4])


# ---- a case --------------------------------------------------------------------------------------

class Case:
    """The records of one fixture, written in import order."""

    def __init__(self, units, province, day, cert_prefix, phone_prefix, reg_prefix):
        self.units = units
        self.province = province          # pre-2025 code, first part of the product codes
        self.day = day                    # the day the figures are counted on
        self.cert_prefix = cert_prefix    # GCN-BT-…
        self.phone_prefix = phone_prefix  # area code
        self.reg_prefix = reg_prefix      # business registration numbers
        self.producers = []
        self.products = []
        self.recognitions = []
        self.serial = Counter()           # product serial per commune
        self.certs = Counter()            # certificate serial per year
        self.people = 0

    def producer(self, kind, name, commune, district, hamlet, channels):
        """A producer in pre-2025 commune `commune` (a units.tsv row) of district (a row)."""
        i = len(self.producers)
        if any(p["name"] == name for p in self.producers):
            sys.exit("make_fixtures: two producers called %s" % name)
        rep, gender = person(self.people + i)
        reg = "%s%08d" % (self.reg_prefix, 1000 + i * 37)
        where = "%s, %s %s, %s %s" % (hamlet, commune["type"], commune["name"], district["type"], district["name"])
        phone = "%s %d %03d" % (self.phone_prefix, 3810 + (i * 13) % 180, (i * 211) % 1000)
        p = {"kind": kind, "name": name, "reg": reg, "rep": rep, "gender": gender, "address": where,
             "new": self.units.new_code(commune["code"]), "old": commune["code"], "phone": phone,
             "channels": channels, "commune": commune, "district": district}
        self.producers.append(p)
        return p

    def product(self, producer, name, set_no, year, description=""):
        """A product of producer, coded (T)-(X)-(STT)-(Năm) with its pre-2025 commune."""
        old = producer["old"]
        self.serial[old] += 1
        code = "%s-%s-%03d-%d" % (self.province, old, self.serial[old], year)
        p = {"code": code, "name": name, "set": set_no, "reg": producer["reg"], "description": description,
             "producer": producer}
        self.products.append(p)
        return p

    def recognise(self, product, stars, batch, score):
        """A recognition of product by batch (level, number, date); a certificate for 3★ and more."""
        level, number, date = batch
        cert = ""
        if stars >= 3:
            self.certs[date[:4]] += 1
            cert = "GCN-%s-%s-%03d" % (self.cert_prefix, date[:4], self.certs[date[:4]])
        self.recognitions.append({"code": product["code"], "stars": stars, "level": LEVEL_LABEL[level],
                                  "no": number, "date": dmy(date), "cert": cert, "score": score})

    def _code_years(self):
        """Each product code carries the year of the product's first decision."""
        first = {}
        for r in self.recognitions:
            y = r["date"][6:10]
            if r["code"] not in first or y < first[r["code"]]:
                first[r["code"]] = y
        renames = {}
        for p in self.products:
            new = p["code"][:-4] + first[p["code"]]
            renames[p["code"]] = new
            p["code"] = new
        for r in self.recognitions:
            r["code"] = renames[r["code"]]

    def write(self, sub):
        self._code_years()
        d = os.path.join(HERE, sub)
        os.makedirs(d, exist_ok=True)
        _write(os.path.join(d, "producers.csv"), PRODUCER_HEADER,
               [[TYPE_LABEL[p["kind"]], p["name"], p["reg"], p["rep"], p["gender"], p["address"], p["new"], p["old"],
                 p["phone"], p["channels"]] for p in self.producers])
        _write(os.path.join(d, "products.csv"), PRODUCT_HEADER,
               [[p["code"], p["name"], "148-2023", str(p["set"]), p["reg"], p["description"]] for p in self.products])
        _write(os.path.join(d, "recognitions.csv"), RECOGNITION_HEADER,
               [[r["code"], str(r["stars"]), r["level"], r["no"], r["date"], r["cert"], r["score"]]
                for r in self.recognitions])


def _write(path, header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


def score_for(stars, i):
    """A council score in the band of stars (QĐ 148/QĐ-TTg: 3★ 50–69, 4★ 70–89, 2★ 30–49),
    written with a decimal comma as the provinces' lists write it."""
    base, width = {2: (35, 14), 3: (52, 17), 4: (71, 17)}[stars]
    v = base + (i * 7) % width + (0.5 if i % 2 else 0)
    return ("%.1f" % v).replace(".", ",").replace(",0", "")


def products_of(case, producer, themes, count, year, offset):
    """count products of producer, the bases of its district's themes from offset on."""
    out = []
    for j in range(count):
        base, set_no = themes[(offset + j) % len(themes)]
        out.append(case.product(producer, "%s %s" % (base, producer["brand"]), set_no, year))
    return out


# ---- Bến Tre, July 2022 ---------------------------------------------------------------------------

BT_DAY = "2022-07-31"

# Per district (code): its covered communes as (type, name), and the kinds of products made there.
BT_COMMUNES = OrderedDict([
    ("829", [("phường", "Phú Khương"), ("phường", "Phú Tân"), ("phường", "6"), ("phường", "7"), ("phường", "8"),
             ("xã", "Sơn Đông"), ("xã", "Mỹ Thạnh An")]),
    ("831", [("xã", "Tân Thạch"), ("xã", "Qưới Sơn"), ("xã", "Giao Long"), ("xã", "Phú Túc"), ("xã", "Tân Phú")]),
    ("832", [("thị trấn", "Chợ Lách"), ("xã", "Vĩnh Thành"), ("xã", "Long Thới"), ("xã", "Sơn Định"),
             ("xã", "Hưng Khánh Trung B")]),
    ("833", [("thị trấn", "Mỏ Cày"), ("xã", "Tân Hội"), ("xã", "An Thạnh"), ("xã", "Định Thủy"), ("xã", "Cẩm Sơn")]),
    ("834", [("xã", "Hưng Nhượng"), ("xã", "Phong Nẫm"), ("xã", "Lương Quới"), ("xã", "Tân Hào"), ("xã", "Châu Bình")]),
    ("835", [("xã", "Thới Lai"), ("xã", "Phú Thuận"), ("xã", "Châu Hưng")]),
    ("836", [("xã", "Tân Xuân"), ("xã", "An Ngãi Trung"), ("xã", "Mỹ Chánh"), ("xã", "Vĩnh An")]),
    ("837", [("xã", "Giao Thạnh"), ("xã", "Thạnh Phong"), ("xã", "An Thạnh")]),
    ("838", [("xã", "Phú Mỹ"), ("xã", "Thanh Tân"), ("xã", "Tân Thành Bình"), ("xã", "Hòa Lộc")]),
])
# Communes with a second (or third) producer: 13 more, 54 in all.
BT_MORE = {"7": 2, "8": 1, "Phú Khương": 1, "Mỏ Cày": 2, "Tân Hội": 1, "Hưng Nhượng": 2, "Vĩnh Thành": 1,
           "Tân Thạch": 1, "Phú Túc": 1, "Thới Lai": 1}
BT_THEMES = {
    "829": [("Kẹo dừa sữa", 7), ("Kẹo dừa lá dứa", 7), ("Dầu dừa tinh luyện", 7), ("Thạch dừa", 7),
            ("Mật hoa dừa", 4), ("Rượu dừa", 15), ("Mứt dừa non", 7), ("Giấm dừa", 9)],
    "831": [("Bưởi da xanh", 1), ("Tinh dầu vỏ bưởi", 20), ("Chôm chôm Java", 1), ("Mứt vỏ bưởi", 7),
            ("Sầu riêng Ri6", 1), ("Trà vỏ bưởi", 12)],
    "832": [("Cây giống bưởi da xanh", 24), ("Mai vàng Cái Mơn", 24), ("Sầu riêng Cái Mơn", 1),
            ("Mật ong hoa chôm chôm", 4), ("Chôm chôm đường phèn", 1), ("Hoa lan Dendro", 23)],
    "833": [("Kẹo dừa Mỏ Cày", 7), ("Kẹo dừa sầu riêng", 7), ("Cơm dừa sấy giòn", 7), ("Kẹo chuối", 7),
            ("Bánh tráng dừa", 6), ("Nước cốt dừa", 7)],
    "834": [("Bánh phồng Sơn Đốc", 6), ("Bánh phồng sữa", 6), ("Bánh tráng Mỹ Lồng", 6), ("Bánh phồng khoai mì", 6),
            ("Bánh tráng nướng mè", 6), ("Bánh phồng nếp lá dứa", 6)],
    "835": [("Nghêu Bến Tre", 2), ("Khô cá dứa", 8), ("Mắm tép", 9), ("Tôm khô", 8), ("Chả cá thác lác", 8)],
    "836": [("Mắm ruốc", 9), ("Bò khô", 8), ("Nếp sáp Ba Tri", 3), ("Muối hạt Ba Tri", 10), ("Mật ong rừng", 4)],
    "837": [("Gạo hữu cơ tôm lúa", 3), ("Tôm khô", 8), ("Mắm tôm chua", 9), ("Khô cá lóc", 8)],
    "838": [("Bưởi da xanh", 1), ("Thảm xơ dừa", 21), ("Giỏ lục bình", 21), ("Mứt dừa", 7), ("Cây giống dừa xiêm", 24)],
}
BT_HAMLET = {"phường": "Khu phố %d", "thị trấn": "Khu phố %d", "xã": "Ấp %d"}
# The province's decisions (UBND tỉnh Bến Tre), all before 31 July 2022 and valid then.
BT_BATCHES = [("province", "3189/QĐ-UBND", "2019-12-27"), ("province", "1046/QĐ-UBND", "2020-05-15"),
              ("province", "2714/QĐ-UBND", "2020-12-18"), ("province", "1312/QĐ-UBND", "2021-06-11"),
              ("province", "2960/QĐ-UBND", "2021-12-24"), ("province", "1108/QĐ-UBND", "2022-05-27"),
              ("province", "1525/QĐ-UBND", "2022-07-15")]


def bentre(units):
    c = Case(units, "83", BT_DAY, "BT", "0275", "13")
    districts = {d["code"]: d for d in units.districts("83", BT_DAY)}
    assert len(districts) == 9, "Bến Tre had 9 districts and cities in July 2022"
    assert sum(len(units.communes(d, BT_DAY)) for d in districts) == 157, "157 communes"
    firsts = ["Tư", "Út", "Sáu", "Ba", "Hai", "Bảy", "Năm", "Mười", "Chín"]
    seconds = ["Hiền", "Tốt", "Lành", "Hương", "Phát", "Lợi", "Hậu", "Thơm", "Mai", "Nhung", "Sương", "Thắm"]
    pool = brands(firsts, seconds)
    kinds = ["coop", "household", "llc", "household", "coop", "private", "household", "group"]
    channels = ["Siêu thị; Sàn thương mại điện tử; Facebook", "Facebook; Zalo", "Siêu thị; Xuất khẩu; Website riêng",
                "Zalo", "Cửa hàng tiện lợi; Facebook"]
    craft = {"829": "kẹo dừa", "831": "trái cây", "832": "cây giống", "833": "kẹo dừa", "834": "bánh phồng",
             "835": "thủy sản", "836": "đặc sản", "837": "nông sản", "838": "dừa"}
    covered = []
    for dcode, communes in BT_COMMUNES.items():
        for kind, name in communes:
            row = units.commune(dcode, name, BT_DAY, kind)
            covered.append(row)
            for k in range(1 + BT_MORE.get(name, 0)):
                i = len(c.producers)
                t = kinds[i % len(kinds)]
                if t == "coop" and k:
                    t = "llc"  # one cooperative per commune
                brand = pool[i]
                pname = {"coop": "Hợp tác xã %s %s" % (craft[dcode].capitalize(), name if not name.isdigit() else "Phường " + name),
                         "group": "Tổ hợp tác %s %s" % (craft[dcode], brand),
                         "llc": "Công ty TNHH %s %s" % (craft[dcode].capitalize(), brand),
                         "private": "Doanh nghiệp tư nhân %s" % brand,
                         "household": "Cơ sở %s %s" % (craft[dcode], brand)}[t]
                p = c.producer(t, pname, row, districts[dcode], BT_HAMLET[row["type"]] % (1 + i % 6),
                               channels[i % len(channels)])
                p["brand"] = brand if t != "coop" else (("Phường " + name) if name.isdigit() else name)
    kinds_of = Counter(r["type"] for r in covered)
    assert len(covered) == 41 and kinds_of == Counter({"xã": 34, "phường": 5, "thị trấn": 2}), kinds_of
    assert len(c.producers) == 54
    # 131 products: 23 producers with three, 31 with two; every second one at 4★ (65), the rest
    # at 3★ (66); five of the 4★ ones were 3★ first (an upgrade: the latest decision counts).
    counted = []
    for i, p in enumerate(c.producers):
        n = 3 if (i * 23) % 54 < 23 else 2
        counted += products_of(c, p, BT_THEMES[p["district"]["code"]], n, 2019, i)
    assert len(counted) == 131, len(counted)
    histories = []
    for j in range(131):
        histories.append(4 if j % 2 else 3)
    upgrades = 0
    for j, prod in enumerate(counted):
        stars = histories[j]
        batch = BT_BATCHES[(j * 3) % len(BT_BATCHES)]
        if stars == 4 and upgrades < 5 and batch[2] >= "2021-01-01":
            c.recognise(prod, 3, BT_BATCHES[upgrades % 2], score_for(3, j))
            upgrades += 1
        c.recognise(prod, stars, batch, score_for(stars, j))
    assert upgrades == 5
    # Records that must not count on 31 July 2022, in communes otherwise not covered:
    d836, d835, d837 = districts["836"], districts["835"], districts["837"]
    extra = [
        # a 2★ result: no certificate
        (units.commune("836", "Bảo Thạnh", BT_DAY, "xã"), d836, "Cơ sở mắm Bảy Nhung", "Mắm cá linh Bảy Nhung", 9,
         [(2, ("province", "2960/QĐ-UBND", "2021-12-24"))]),
        # 3★ on 26 July 2019: the certificate ran out on 26 July 2022, five days before
        (units.commune("837", "An Nhơn", BT_DAY, "xã"), d837, "Cơ sở khô cá Út Sương", "Khô cá đù Út Sương", 8,
         [(3, ("province", "1794/QĐ-UBND", "2019-07-26"))]),
        # two products recognised on 19 August 2022, after the figure
        (units.commune("835", "Lộc Thuận", BT_DAY, "xã"), d835, "Hợp tác xã Nông nghiệp Lộc Thuận",
         "Nghêu sấy Lộc Thuận", 8, [(3, ("province", "1781/QĐ-UBND", "2022-08-19"))]),
    ]
    for row, dist, name, pname, set_no, recs in extra:
        i = len(c.producers)
        kind = "coop" if name.startswith("Hợp tác xã") else "household"
        p = c.producer(kind, name, row, dist, "Ấp %d" % (1 + i % 6), "Facebook")
        prod = c.product(p, pname, set_no, int(recs[0][1][2][:4]))
        for stars, batch in recs:
            c.recognise(prod, stars, batch, score_for(stars, i))
        if kind == "coop":
            second = c.product(p, "Mắm nghêu Lộc Thuận", 9, 2022)
            c.recognise(second, 3, recs[0][1], score_for(3, i + 1))
    c.write("bentre")
    return c


# ---- Lai Vung, 31 December 2023 -------------------------------------------------------------------

LV_DAY = "2023-12-31"
LV_THEMES = [("Nem Lai Vung", 8), ("Nem chua lá chùm ruột", 8), ("Quýt hồng Lai Vung", 1), ("Bánh phồng tôm", 6),
             ("Lạp xưởng tươi", 8), ("Chả lụa", 8), ("Mứt quýt hồng", 7), ("Bánh tráng sữa", 6), ("Gạo thơm", 3),
             ("Nem bì", 8)]
LV_COMMUNES = [("thị trấn", "Lai Vung", 5), ("xã", "Tân Thành", 4), ("xã", "Long Hậu", 3), ("xã", "Tân Phước", 3),
               ("xã", "Hòa Long", 3), ("xã", "Long Thắng", 2), ("xã", "Tân Hòa", 2), ("xã", "Vĩnh Thới", 2),
               ("xã", "Tân Dương", 1), ("xã", "Hòa Thành", 1), ("xã", "Định Hòa", 1), ("xã", "Phong Hòa", 1)]
# 3★ by the district (UBND huyện Lai Vung, QĐ 148/QĐ-TTg lets districts recognise 3★), 4★ by the
# province (UBND tỉnh Đồng Tháp).
LV_DISTRICT = [("district", "1120/QĐ-UBND", "2021-03-26"), ("district", "2874/QĐ-UBND", "2021-11-19"),
               ("district", "1563/QĐ-UBND", "2022-06-24"), ("district", "3302/QĐ-UBND", "2022-12-16"),
               ("district", "2215/QĐ-UBND", "2023-08-25")]
LV_PROVINCE = [("province", "1092/QĐ-UBND-HC", "2022-10-14"), ("province", "1340/QĐ-UBND-HC", "2023-11-17")]


def laivung(units):
    c = Case(units, "87", LV_DAY, "DT", "0277", "14")
    d = [x for x in units.districts("87", LV_DAY) if x["code"] == "876"][0]
    assert d["name"] == "Lai Vung"
    firsts = ["Tư", "Út", "Sáu", "Ba", "Hai", "Bảy", "Năm", "Mười"]
    seconds = ["Hạnh", "Thủy", "Lâm", "Phúc", "Dung", "Hòa", "Trinh", "Kiều"]
    pool = brands(firsts, seconds)
    kinds = ["household", "household", "coop", "llc", "household", "private"]
    for kind, name, n in LV_COMMUNES:
        row = units.commune("876", name, LV_DAY, kind)
        for k in range(n):
            i = len(c.producers)
            t = kinds[i % len(kinds)]
            if t == "coop" and k:
                t = "llc"  # one cooperative per commune
            brand = pool[i]
            pname = {"coop": "Hợp tác xã Nông nghiệp %s" % name,
                     "llc": "Công ty TNHH Thực phẩm %s" % brand, "private": "Doanh nghiệp tư nhân Nem %s" % brand,
                     "household": "Cơ sở nem %s" % brand}[t]
            p = c.producer(t, pname, row, d, "Ấp %s" % ["Long Bình", "Hòa Định", "Tân Lợi", "Phú Hòa", "Thạnh Phú"][i % 5],
                           ["Siêu thị; Facebook", "Facebook; Zalo", "Sàn thương mại điện tử; Zalo"][i % 3])
            p["brand"] = brand if t != "coop" else name
    assert len(c.producers) == 28
    counted = []
    for i, p in enumerate(c.producers):
        n = 2 if i < 25 else 1
        counted += products_of(c, p, LV_THEMES, n, 2021, i)
    assert len(counted) == 53, len(counted)
    order = spread(list(range(53)))
    four = set(order[:5])           # the five 4★ products
    upgraded = order[0]             # 3★ by the district first, then 4★ by the province
    later = order[5]                # 3★ now, 4★ only in March 2024 (after the day)
    for j, prod in enumerate(counted):
        if j in four:
            if j == upgraded:
                c.recognise(prod, 3, LV_DISTRICT[0], score_for(3, j))
                c.recognise(prod, 4, LV_PROVINCE[1], score_for(4, j))
            else:
                c.recognise(prod, 4, LV_PROVINCE[j % 2], score_for(4, j))
        else:
            c.recognise(prod, 3, LV_DISTRICT[j % len(LV_DISTRICT)], score_for(3, j))
            if j == later:
                c.recognise(prod, 4, ("province", "412/QĐ-UBND-HC", "2024-03-15"), score_for(4, j))
    # Must not count on 31 December 2023:
    p = c.producers[0]
    # 3★ on 31 December 2020: valid through 30 December 2023, expired on the day counted
    old = c.product(p, "Nem chay %s" % p["brand"], 8, 2020)
    c.recognise(old, 3, ("district", "3560/QĐ-UBND", "2020-12-31"), score_for(3, 99))
    # a 2★ result of the province's council: no certificate (districts recognised 3★ only)
    two = c.product(c.producers[1], "Bánh bò thốt nốt %s" % c.producers[1]["brand"], 6, 2022)
    c.recognise(two, 2, LV_PROVINCE[0], score_for(2, 3))
    # 3★ in the neighbouring district Lấp Vò (875)
    lv = [x for x in units.districts("87", LV_DAY) if x["code"] == "875"][0]
    row = units.commune("875", "Định Yên", LV_DAY, "xã")
    q = c.producer("coop", "Hợp tác xã Chiếu Định Yên", row, lv, "Ấp An Phú", "Facebook")
    q["brand"] = "Định Yên"
    mat = c.product(q, "Chiếu hoa Định Yên", 21, 2022)
    c.recognise(mat, 3, ("district", "1688/QĐ-UBND", "2022-07-08"), score_for(3, 7))
    c.write("laivung")
    return c


# ---- Hà Tĩnh, 31 December 2023 --------------------------------------------------------------------

HT_DAY = "2023-12-31"
# Per district: communes by name (type, name) and the district's kinds of products.
HT_DISTRICTS = OrderedDict([
    ("436", ([("phường", "Nam Hà"), ("phường", "Tân Giang"), ("phường", "Hà Huy Tập"), ("phường", "Thạch Quý"),
              ("phường", "Văn Yên"), ("xã", "Thạch Bình")],
             [("Kẹo cu đơ", 7), ("Bánh gai", 6), ("Trà thảo mộc", 12), ("Nước mắm", 9), ("Bánh đa vừng", 6)])),
    ("437", ([("phường", "Bắc Hồng"), ("phường", "Nam Hồng"), ("phường", "Đậu Liêu"), ("xã", "Thuận Lộc")],
             [("Kẹo cu đơ", 7), ("Mật ong", 4), ("Nhang trầm", 21), ("Bánh đa nem", 6)])),
    ("439", ([("thị trấn", "Phố Châu"), ("xã", "Sơn Tây"), ("xã", "Sơn Kim 1"), ("xã", "Sơn Kim 2"), ("xã", "Quang Diệm"),
              ("xã", "Sơn Lĩnh"), ("xã", "Sơn Giang"), ("xã", "Kim Hoa")],
             [("Nhung hươu", 18), ("Rượu nhung hươu", 15), ("Chè xanh", 11), ("Mật ong rừng", 4), ("Cam bù", 1)])),
    ("440", ([("thị trấn", "Đức Thọ"), ("xã", "Tùng Ảnh"), ("xã", "Yên Hồ"), ("xã", "Trường Sơn"), ("xã", "Đức Đồng"),
              ("xã", "Lâm Trung Thủy")],
             [("Gạo sạch", 3), ("Bánh đa vừng", 6), ("Tương", 9), ("Bột nghệ", 10), ("Chè xanh", 11)])),
    ("441", ([("thị trấn", "Vũ Quang"), ("xã", "Đức Lĩnh"), ("xã", "Đức Hương"), ("xã", "Đức Bồng"), ("xã", "Hương Minh"),
              ("xã", "Quang Thọ")],
             [("Cam Vũ Quang", 1), ("Bưởi", 1), ("Mật ong hoa cam", 4), ("Thịt trâu khô", 8), ("Tinh dầu vỏ cam", 20)])),
    ("442", ([("thị trấn", "Xuân An"), ("thị trấn", "Tiên Điền"), ("xã", "Xuân Hội"), ("xã", "Xuân Liên"),
              ("xã", "Cương Gián"), ("xã", "Xuân Phổ")],
             [("Nước mắm", 9), ("Ruốc biển", 9), ("Mực khô", 8), ("Cá khô", 8), ("Rượu Tiên Điền", 14)])),
    ("443", ([("thị trấn", "Nghèn"), ("xã", "Thiên Lộc"), ("xã", "Thuần Thiện"), ("xã", "Kim Song Trường"),
              ("xã", "Khánh Vĩnh Yên"), ("xã", "Quang Lộc"), ("xã", "Thượng Lộc")],
             [("Bánh đa vừng", 6), ("Gạo", 3), ("Rượu", 14), ("Chè xanh", 11), ("Mộc mỹ nghệ", 21)])),
    ("444", ([("thị trấn", "Hương Khê"), ("xã", "Phúc Trạch"), ("xã", "Hương Trạch"), ("xã", "Hương Đô"),
              ("xã", "Hương Xuân"), ("xã", "Gia Phố"), ("xã", "Hương Liên")],
             [("Bưởi Phúc Trạch", 1), ("Tinh dầu bưởi", 20), ("Mật ong", 4), ("Chè xanh", 11), ("Mứt bưởi", 7)])),
    ("445", ([("thị trấn", "Thạch Hà"), ("xã", "Thạch Kênh"), ("xã", "Việt Tiến"), ("xã", "Thạch Ngọc"),
              ("xã", "Nam Điền"), ("xã", "Lưu Vĩnh Sơn")],
             [("Tinh bột nghệ", 10), ("Gạo", 3), ("Rau củ an toàn", 1), ("Bánh đa", 6), ("Nước mắm", 9)])),
    ("446", ([("thị trấn", "Cẩm Xuyên"), ("thị trấn", "Thiên Cầm"), ("xã", "Cẩm Nhượng"), ("xã", "Cẩm Dương"),
              ("xã", "Cẩm Thành"), ("xã", "Cẩm Trung"), ("xã", "Cẩm Lạc")],
             [("Nước mắm Cẩm Nhượng", 9), ("Ruốc", 9), ("Mực khô", 8), ("Hành tăm", 10), ("Gạo", 3)])),
    ("447", ([("xã", "Kỳ Phong"), ("xã", "Kỳ Tiến"), ("xã", "Kỳ Văn"), ("xã", "Kỳ Thọ"), ("xã", "Kỳ Tân"),
              ("xã", "Lâm Hợp")],
             [("Rượu", 14), ("Nước mắm", 9), ("Cam", 1), ("Chè xanh", 11), ("Dầu lạc", 7)])),
    ("448", ([("xã", "Thạch Kim"), ("xã", "Hộ Độ"), ("xã", "Tân Lộc"), ("xã", "Thạch Châu")],
             [("Ruốc Thạch Kim", 9), ("Nước mắm", 9), ("Mực một nắng", 8), ("Khoai lang", 1)])),
    ("449", ([("phường", "Hưng Trí"), ("phường", "Kỳ Trinh"), ("phường", "Kỳ Thịnh"), ("phường", "Kỳ Phương"),
              ("xã", "Kỳ Hà")],
             [("Nước mắm", 9), ("Hải sản khô", 8), ("Cá thu một nắng", 8), ("Rượu", 14)])),
])
HT_FIRST = [("province", "4258/QĐ-UBND", "2018-12-28"), ("province", "1974/QĐ-UBND", "2019-06-25"),
            ("province", "4389/QĐ-UBND", "2019-12-20"), ("province", "2155/QĐ-UBND", "2020-06-30"),
            ("province", "4602/QĐ-UBND", "2020-12-31")]
HT_RENEW = [("province", "1285/QĐ-UBND", "2022-06-21"), ("province", "4711/QĐ-UBND", "2022-12-23"),
            ("province", "1432/QĐ-UBND", "2023-06-27"), ("province", "3618/QĐ-UBND", "2023-12-26")]
HT_NEW = [("province", "812/QĐ-UBND", "2021-03-30"), ("province", "2873/QĐ-UBND", "2021-09-24"),
          ("province", "4319/QĐ-UBND", "2021-12-29"), ("province", "730/QĐ-UBND", "2022-03-29"),
          ("province", "2964/QĐ-UBND", "2022-09-27"), ("province", "4798/QĐ-UBND", "2022-12-30"),
          ("province", "1011/QĐ-UBND", "2023-04-25"), ("province", "2540/QĐ-UBND", "2023-09-26"),
          ("province", "3490/QĐ-UBND", "2023-12-15")]
HT_UPGRADE = ("province", "2541/QĐ-UBND", "2023-09-26")


def hatinh(units):
    c = Case(units, "42", HT_DAY, "HT", "0239", "30")
    districts = {d["code"]: d for d in units.districts("42", HT_DAY)}
    assert len(districts) == 13
    firsts = ["Minh", "Hương", "Thành", "Hồng", "Phúc", "Hải", "Ngọc", "Đức", "Thu", "Bảo", "Anh", "Tâm"]
    seconds = ["Linh", "Hà", "An", "Phát", "Lộc", "Thịnh", "Hằng", "Tiến", "Nga", "Sơn", "Quý", "Lan", "Long",
               "Vinh", "Trang"]
    pool = brands(firsts, seconds)
    kinds = ["coop", "household", "household", "llc", "coop", "private", "household", "group"]
    craft = {"436": "kẹo cu đơ", "437": "đặc sản", "439": "hươu", "440": "nông sản", "441": "cam", "442": "hải sản",
             "443": "làng nghề", "444": "bưởi", "445": "nông sản", "446": "nước mắm", "447": "nông sản",
             "448": "hải sản", "449": "hải sản"}
    hamlet = {"phường": "Tổ dân phố %d", "thị trấn": "Tổ dân phố %d", "xã": "Thôn %d"}
    # Producers: two per commune, three in the first commune of each district: 170 in all.
    for dcode, (communes, themes) in HT_DISTRICTS.items():
        for ci, (kind, name) in enumerate(communes):
            row = units.commune(dcode, name, HT_DAY, kind)
            for k in range(3 if ci == 0 else 2):
                i = len(c.producers)
                t = kinds[i % len(kinds)]
                brand = pool[i]
                pname = {"coop": "Hợp tác xã %s %s" % ("Sản xuất và kinh doanh " + craft[dcode] if k else
                                                       "Nông nghiệp", name),
                         "group": "Tổ hợp tác %s %s" % (craft[dcode], brand),
                         "llc": "Công ty TNHH %s" % brand,
                         "private": "Doanh nghiệp tư nhân %s" % brand,
                         "household": "Cơ sở %s %s" % (craft[dcode], brand)}[t]
                if any(p["name"] == pname for p in c.producers):
                    pname += " %s" % brand
                p = c.producer(t, pname, row, districts[dcode], hamlet[row["type"]] % (1 + i % 9),
                               ["Siêu thị; Sàn thương mại điện tử", "Facebook; Zalo", "Zalo",
                                "Cửa hàng tiện lợi; Website riêng"][i % 4])
                p["brand"] = brand
                p["themes"] = themes
    # 284 products: the first producers make two, the others one.
    two = 284 - len(c.producers)
    prods = []
    for i, p in enumerate(c.producers):
        prods += products_of(c, p, p["themes"], 2 if i < two else 1, 2019, i)
    assert len(prods) == 284, len(prods)
    # Histories, spread over the products:
    #   E  67: recognised 2018–2020 (3★, two of them 4★), not re-recognised: expired by the day
    #          (eight of them on 31 December 2020: their certificates ran out on the day itself)
    #   R3 23: recognised 3★ 2018–2020, re-recognised 3★ 2022–2023
    #   R4  2: recognised 3★ 2018–2020, re-recognised 4★ 2022–2023
    #   N3 183: recognised 3★ for the first time 2021–2023
    #   N4  6: recognised 4★ for the first time 2021–2023
    #   U4  3: 3★ in 2021, upgraded to 4★ in September 2023
    kinds_h = ["E"] * 67 + ["R3"] * 23 + ["R4"] * 2 + ["N3"] * 183 + ["N4"] * 6 + ["U4"] * 3
    histories = spread(kinds_h)
    e_seen = 0
    for j, (prod, h) in enumerate(zip(prods, histories)):
        first = HT_FIRST[j % len(HT_FIRST)]
        if h == "E":
            if e_seen < 8:
                first = HT_FIRST[4]  # 31 December 2020
            elif first == HT_FIRST[4]:
                first = HT_FIRST[(j // 5) % 4]
            stars = 4 if e_seen in (20, 40) else 3
            e_seen += 1
            c.recognise(prod, stars, first, score_for(stars, j))
        elif h in ("R3", "R4"):
            c.recognise(prod, 3, first, score_for(3, j))
            c.recognise(prod, 4 if h == "R4" else 3, HT_RENEW[j % len(HT_RENEW)], score_for(4 if h == "R4" else 3, j + 1))
        elif h in ("N3", "N4"):
            s = 4 if h == "N4" else 3
            c.recognise(prod, s, HT_NEW[j % len(HT_NEW)], score_for(s, j))
        else:
            c.recognise(prod, 3, HT_NEW[j % 3], score_for(3, j))
            c.recognise(prod, 4, HT_UPGRADE, score_for(4, j))
    assert e_seen == 67
    # Must not count on 31 December 2023: a 2★ result, and a product first recognised in 2024.
    p = c.producers[-1]
    two = c.product(p, "Bánh đa mè đen %s" % p["brand"], 6, 2022)
    c.recognise(two, 2, HT_NEW[4], score_for(2, 1))
    late = c.product(p, "Cá thu nướng %s" % p["brand"], 8, 2024)
    c.recognise(late, 3, ("province", "882/QĐ-UBND", "2024-04-09"), score_for(3, 5))
    c.write("hatinh")
    return c


def main():
    units = Units()
    cases = {"bentre": bentre(units), "laivung": laivung(units), "hatinh": hatinh(units)}
    for name, c in cases.items():
        print("%s: %d producers, %d products, %d recognitions" % (name, len(c.producers), len(c.products),
                                                                   len(c.recognitions)))


if __name__ == "__main__":
    main()
