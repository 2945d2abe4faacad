/*
** bench/search.c: search speed on a registry of realistic size. Not a test: it prints figures.
**
** Creates a temporary SQLite database, applies the schema and reference data (migrate_run),
** fills 2,000 craft villages, 25,000 producers and 100,000 products with Vietnamese names
** generated from word lists, indexes them with search_rebuild, then times about 2,000 mixed
** queries (1-4 words, with and without diacritics, whole words and prefixes, single letters,
** misses, a kind filter, second pages) through search_query and prints count, mean, p50, p95,
** p99 and max in milliseconds, overall and per query class, plus the slowest queries.
**
** Usage: bench_search [QUERIES] [PRODUCTS]     (defaults 2000, 100000)
** The database goes to $TMPDIR (or /tmp) and is removed at the end (kept when BENCH_KEEP is set).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "migrate.h"
#include "search.h"
#include "text.h"
#include "util.h"

/* ---- word lists ----------------------------------------------------------------------- */

static const char *const product_types[] = {
    "Nước mắm", "Bánh tráng", "Mật ong", "Trà", "Cà phê", "Đặc sản", "Bánh đậu xanh", "Bánh pía",
    "Kẹo dừa", "Rượu", "Gạo", "Chè", "Mắm tôm", "Tương ớt", "Miến dong", "Bún khô", "Phở khô",
    "Nem chua", "Chả cá", "Giò lụa", "Mứt gừng", "Tinh dầu sả", "Nón lá", "Chiếu cói", "Gốm",
    "Lụa tơ tằm", "Thổ cẩm", "Hạt điều", "Hồ tiêu", "Bưởi da xanh", "Xoài cát", "Vải thiều",
    "Nhãn lồng", "Cam sành", "Thanh long", "Sâm", "Nấm linh chi", "Yến sào", "Tỏi cô đơn",
    "Hành tím", "Muối", "Cà phê rang xay", "Trà xanh", "Trà hoa vàng", "Chè Shan tuyết",
    "Mật ong rừng", "Bánh cốm", "Bánh phồng tôm", "Khô cá lóc", "Tôm khô", "Mực khô", "Rượu nếp",
    "Rượu cần", "Dầu lạc", "Bột sắn dây", "Hồng treo gió", "Măng khô", "Mộc nhĩ", "Ruốc thịt",
    "Lạp xưởng", "Bánh gai", "Bánh chưng", "Kẹo lạc", "Mè xửng", "Bánh khô mè", "Nước cốt dừa",
    "Sữa dê", "Thịt trâu gác bếp", "Cao dược liệu", "Trà atiso", "Đông trùng hạ thảo", "Hạt sen",
    "Mây tre đan", "Sơn mài", "Tranh Đông Hồ", "Nước tương", "Giấm", "Xúc xích",
};
static const char *const qualifiers[] = {
    "truyền thống", "đặc biệt", "hữu cơ", "thượng hạng", "nguyên chất", "cao cấp", "loại 1",
    "sấy khô", "rang củi", "40 độ đạm", "cá cơm", "thủ công", "tươi", "túi lọc", "nếp cái hoa vàng",
    "tám thơm", "ST25", "ướp sen", "hoa nhài", "không đường", "ít ngọt", "cay", "nguyên hạt",
    "xay nhuyễn", "đóng chai", "hộp quà", "lên men", "gia truyền", "sạch", "xuất khẩu",
};
static const char *const places[] = {
    "Làng Xưa", "Bến Tre", "Hà Tĩnh", "Phú Quốc", "Cà Mau", "Hoà Bình", "Thủy Nguyên", "Khánh Hòa",
    "Đắk Lắk", "Lâm Đồng", "Hải Dương", "Nam Định", "Thái Nguyên", "Mộc Châu", "Sơn La", "Lào Cai",
    "Sa Pa", "Hưng Yên", "Bắc Giang", "Lục Ngạn", "Quảng Nam", "Hội An", "Huế", "Đồng Tháp",
    "Sóc Trăng", "Vĩnh Long", "Cần Thơ", "An Giang", "Tây Ninh", "Bình Định", "Phan Thiết",
    "Ninh Thuận", "Cát Hải", "Vân Đồn", "Hạ Long", "Tam Đảo", "Ba Vì", "Đường Lâm", "Bát Tràng",
    "Vạn Phúc", "Hương Sơn", "Kim Sơn", "Tân Cương", "Cao Bằng", "Hà Giang", "Đồng Văn", "Mường Lò",
    "Tuyên Quang", "Yên Bái", "Điện Biên", "Quảng Trị", "Kon Tum", "Gia Lai", "Bảo Lộc", "Đà Lạt",
    "Cái Bè", "Chợ Lách", "Tiền Giang", "Bạc Liêu", "Long An",
};
static const char *const brands[] = {
    "Hương Quê", "Ngọc Lan", "Phú Hưng", "An Phát", "Minh Châu", "Thành Đạt", "Việt Hương",
    "Sao Mai", "Hồng Lam", "Thiên Phúc", "Bảo Ngọc", "Hoàng Gia", "Phúc Lộc", "Tâm An",
    "Xuân Thịnh", "Đại Việt", "Kim Long", "Thuận Phát", "Hải Âu", "Quê Tôi", "Mười Tâm", "Ba Lành",
    "Cô Ba", "Bà Tư", "Ông Năm", "Út Hiền", "Hạnh Phúc", "Trường Sinh", "Nhật Minh",
};
static const char *const producer_kinds[] = {
    "Hợp tác xã", "Công ty TNHH", "Hộ kinh doanh", "Tổ hợp tác", "Cơ sở sản xuất",
    "Công ty cổ phần", "HTX nông nghiệp", "Doanh nghiệp tư nhân",
};
static const char *const crafts[] = {
    "bánh tráng", "gốm", "dệt thổ cẩm", "mây tre đan", "nước mắm", "rượu", "chiếu cói", "nón lá",
    "làm hương", "đúc đồng", "chạm bạc", "sơn mài", "làm bún", "làm miến", "trồng hoa", "chè",
};
static const char *const phrases[] = {
    "Sản phẩm được làm theo phương pháp truyền thống.", "Nguyên liệu chọn lọc tại địa phương.",
    "Đạt tiêu chuẩn VietGAP.", "Đóng gói hút chân không, bảo quản nơi khô ráo.",
    "Hương vị đậm đà, thơm ngon.", "Không chất bảo quản.", "Phù hợp làm quà biếu.",
    "Được người tiêu dùng tin dùng nhiều năm.",
};

/* ---- deterministic pseudo-random numbers (xorshift64*) ------------------------------------ */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rnd(Rng *r) {
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ull;
}
static size_t pick(Rng *r, size_t n) { return (size_t)(rnd(r) % n); }
#define PICK(r, a) ((a)[pick((r), COUNT(a))])

/* ---- data ---------------------------------------------------------------------------------- */

typedef struct Communes {
    char **code;
    int n;
} Communes;

static void die(const char *what, Err *e) {
    fprintf(stderr, "bench_search: %s: %s\n", what, e->detail);
    exit(1);
}

static void step_ok(Db *db, Stmt *s, const char *what) {
    if (db_step(s) == DB_ERROR) {
        fprintf(stderr, "bench_search: %s: %s\n", what, db_errmsg(db));
        exit(1);
    }
}

static void load_communes(Db *db, Communes *c) {
    Stmt *s = db_prepare(db, "SELECT code FROM units WHERE geo = '2025' AND level = 'commune'"
                             " AND valid_to IS NULL");
    int cap = 4096;
    c->code = xmalloc((size_t)cap * sizeof *c->code);
    c->n = 0;
    while (db_step(s) == DB_ROW) {
        if (c->n == cap) c->code = xrealloc(c->code, (size_t)(cap *= 2) * sizeof *c->code);
        c->code[c->n++] = xstrdup(db_col_text(s, 0));
    }
    db_done(s);
    if (!c->n) { /* no reference data: invent communes (names then stay out of the index) */
        for (int i = 0; i < 3000; i++) {
            if (c->n == cap) c->code = xrealloc(c->code, (size_t)(cap *= 2) * sizeof *c->code);
            char code[16];
            snprintf(code, sizeof code, "%05d", i + 1);
            c->code[c->n++] = xstrdup(code);
        }
    }
}

/* Insert a row of table (village, producer, product) with name; keys are computed here. */
static void put_keys(Stmt *s, int first, const char *name) {
    char *key = text_key(name, strlen(name));
    Buf fold = BUF_INIT;
    text_fold(&fold, name, strlen(name));
    db_bind_text(s, first, name);
    db_bind_text(s, first + 1, key);
    db_bind_text(s, first + 2, buf_str(&fold));
    free(key);
    buf_free(&fold);
}

static void fill(Db *db, Rng *r, const Communes *c, int nvillages, int nproducers, int nproducts) {
    Err e = ERR_INIT;
    const char *ts = "2026-01-01T00:00:00Z";
    if (db_begin(db, &e)) die("begin", &e);
    for (int set = 1; set <= 26; set++) {
        Stmt *s = db_prepare(db, "INSERT OR IGNORE INTO product_sets (version, set_no, name)"
                                 " VALUES ('26-2026', ?, 'bench')");
        db_bind_int(s, 1, set);
        step_ok(db, s, "product_sets");
        db_done(s);
    }
    Buf name = BUF_INIT;
    for (int i = 1; i <= nvillages; i++) {
        buf_reset(&name);
        buf_printf(&name, "Làng nghề %s %s %d", PICK(r, crafts), PICK(r, places), i);
        Stmt *s = db_prepare(db, "INSERT INTO villages (id, name, name_key, name_fold,"
                                 " commune_code, crafts, created_at, updated_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, i);
        put_keys(s, 2, name.p);
        db_bind_text(s, 5, c->code[pick(r, (size_t)c->n)]);
        db_bind_text(s, 6, PICK(r, crafts));
        db_bind_text(s, 7, ts);
        db_bind_text(s, 8, ts);
        step_ok(db, s, "villages");
        db_done(s);
    }
    for (int i = 1; i <= nproducers; i++) {
        buf_reset(&name);
        buf_printf(&name, "%s %s", PICK(r, producer_kinds), PICK(r, brands));
        if (pick(r, 2)) buf_printf(&name, " %s", PICK(r, places));
        buf_printf(&name, " %d", i); /* names repeat otherwise; real ones differ by more words */
        Stmt *s = db_prepare(db, "INSERT INTO producers (id, type, name, name_key, name_fold,"
                                 " reg_no, rep_name, commune_code, village_id, created_at,"
                                 " updated_at)"
                                 " VALUES (?, 'cooperative', ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, i);
        put_keys(s, 2, name.p);
        char reg[32];
        snprintf(reg, sizeof reg, "%010d", 100000000 + i);
        db_bind_text(s, 5, reg);
        db_bind_text(s, 6, pick(r, 2) ? "Nguyễn Văn An" : "Trần Thị Bích");
        db_bind_text(s, 7, c->code[pick(r, (size_t)c->n)]);
        if (pick(r, 10) == 0) db_bind_int(s, 8, 1 + (int64_t)pick(r, (size_t)nvillages));
        else db_bind_null(s, 8);
        db_bind_text(s, 9, ts);
        db_bind_text(s, 10, ts);
        step_ok(db, s, "producers");
        db_done(s);
    }
    Buf desc = BUF_INIT;
    for (int i = 1; i <= nproducts;) {
        buf_reset(&name);
        buf_puts(&name, PICK(r, product_types));
        if (pick(r, 2)) buf_printf(&name, " %s", PICK(r, qualifiers));
        int w = (int)pick(r, 10);
        if (w < 5) buf_printf(&name, " %s", PICK(r, places));
        else if (w < 8) buf_printf(&name, " %s", PICK(r, brands));
        buf_reset(&desc);
        if (pick(r, 2))
            for (int k = 0; k < 3; k++) buf_printf(&desc, "%s%s", k ? " " : "", PICK(r, phrases));
        char code[48];
        snprintf(code, sizeof code, "%02d-%05d-%06d-2026", (int)pick(r, 34) + 1,
                 (int)pick(r, 3321) + 1, i);
        Stmt *s = db_prepare(db, "INSERT OR IGNORE INTO products (id, name, name_key, name_fold,"
                                 " set_no, producer_id, commune_code, code, description,"
                                 " created_at, updated_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, i);
        put_keys(s, 2, name.p);
        db_bind_int(s, 5, 1 + (int64_t)pick(r, 26));
        db_bind_int(s, 6, 1 + (int64_t)pick(r, (size_t)nproducers));
        db_bind_text(s, 7, c->code[pick(r, (size_t)c->n)]);
        db_bind_text(s, 8, code);
        db_bind_text(s, 9, desc.n ? desc.p : NULL);
        db_bind_text(s, 10, ts);
        db_bind_text(s, 11, ts);
        step_ok(db, s, "products");
        db_done(s);
        if (db_changes(db)) i++; /* a duplicate name for the same producer: draw again */
    }
    buf_free(&name);
    buf_free(&desc);
    if (db_commit(db, &e)) die("commit", &e);
}

/* ---- queries ------------------------------------------------------------------------------- */

enum { Q_WORDS, Q_FOLDED, Q_PREFIX, Q_LETTER, Q_PRODUCER, Q_MISS, Q_KIND, Q_PAGE2, Q_CLASSES };
static const char *const class_names[] = {
    "words (diacritics)", "words (folded)", "last word a prefix", "1-2 letters",
    "producer/village", "no match", "kind=product", "second page",
};

typedef struct Query {
    char *q;
    int cls;
    double ms, cpu_ms; /* wall-clock and this thread's CPU time */
    int64_t total;
} Query;

/* CPU time of this thread in ns: on a loaded machine it shows what an idle one would do. */
static uint64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* 1..maxw consecutive words of a generated product name. */
static void name_words(Rng *r, Buf *b, int maxw) {
    Buf full = BUF_INIT;
    buf_puts(&full, PICK(r, product_types));
    if (pick(r, 2)) buf_printf(&full, " %s", PICK(r, qualifiers));
    if (pick(r, 2)) buf_printf(&full, " %s", PICK(r, places));
    char *words[16];
    int n = 0;
    for (char *p = strtok(full.p, " "); p && n < 16; p = strtok(NULL, " ")) words[n++] = p;
    int want = 1 + (int)pick(r, (size_t)maxw);
    if (want > n) want = n;
    int from = (int)pick(r, (size_t)(n - want + 1));
    for (int i = 0; i < want; i++) buf_printf(b, "%s%s", i ? " " : "", words[from + i]);
    buf_free(&full);
}

static Query make_query(Rng *r, int cls) {
    Buf b = BUF_INIT;
    switch (cls) {
    case Q_WORDS:
    case Q_KIND:
    case Q_PAGE2: name_words(r, &b, 4); break;
    case Q_FOLDED: {
        Buf t = BUF_INIT;
        name_words(r, &t, 4);
        text_fold(&b, t.p, t.n);
        buf_free(&t);
        break;
    }
    case Q_PREFIX: {
        Buf t = BUF_INIT;
        name_words(r, &t, 3);
        if (pick(r, 2)) text_fold(&b, t.p, t.n);
        else buf_append(&b, t.p, t.n);
        buf_free(&t);
        /* cut the last word to 1-3 characters (bytes of ASCII, whole characters otherwise) */
        char *last = strrchr(b.p, ' ');
        last = last ? last + 1 : b.p;
        size_t keep = 1 + pick(r, 3), chars = 0, i = 0, len = strlen(last);
        while (i < len && chars < keep) {
            i++;
            while (i < len && ((unsigned char)last[i] & 0xC0) == 0x80) i++;
            chars++;
        }
        last[i] = 0;
        b.n = (size_t)(last - b.p) + i;
        break;
    }
    case Q_LETTER: {
        static const char *const short_q[] = {"b", "d", "t", "c", "m", "n", "h", "s", "ba", "tr",
                                              "ng", "ca", "đ", "bá", "ch", "mă"};
        buf_puts(&b, PICK(r, short_q));
        break;
    }
    case Q_PRODUCER:
        if (pick(r, 2)) buf_printf(&b, "%s %s", PICK(r, producer_kinds), PICK(r, brands));
        else buf_printf(&b, "lang nghe %s", PICK(r, crafts));
        break;
    case Q_MISS: {
        static const char *const miss[] = {"xyzzy", "qwerty banh", "pizza", "sushi nuoc",
                                           "hamburger", "kimchi", "nuoc mam zz", "banh qqq"};
        buf_puts(&b, PICK(r, miss));
        break;
    }
    }
    return (Query){buf_take(&b), cls, 0, 0, 0};
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *sorted, int n, double p) {
    int i = (int)(p * (n - 1) + 0.5);
    return sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static void report(const char *label, const double *ms, int n) {
    if (!n) return;
    double *v = xmalloc((size_t)n * sizeof *v), sum = 0;
    memcpy(v, ms, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    for (int i = 0; i < n; i++) sum += v[i];
    printf("%-22s %6d %8.3f %8.3f %8.3f %8.3f %8.3f\n", label, n, sum / n, pct(v, n, 0.5),
           pct(v, n, 0.95), pct(v, n, 0.99), v[n - 1]);
    free(v);
}

static int cmp_query_ms(const void *a, const void *b) {
    double x = ((const Query *)a)->ms, y = ((const Query *)b)->ms;
    return x > y ? -1 : x < y;
}

int main(int argc, char **argv) {
    int nq = argc > 1 ? atoi(argv[1]) : 2000;
    int nproducts = argc > 2 ? atoi(argv[2]) : 100000;
    int nproducers = nproducts / 4, nvillages = nproducts / 50;
    if (nq < 1 || nproducts < 100) {
        fprintf(stderr, "usage: bench_search [QUERIES] [PRODUCTS>=100]\n");
        return 2;
    }
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/ocop-bench-XXXXXX", tmpdir);
    int fd = mkstemp(path);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    close(fd);
    Err e = ERR_INIT;
    Db *db = db_open(path, &e);
    if (!db) die("open", &e);
    uint64_t t0 = now_ns();
    if (migrate_run(db, 0, &e) < 0) die("migrate", &e);
    printf("schema and reference data: %.0f ms\n", (now_ns() - t0) / 1e6);

    Rng r = {0x9E3779B97F4A7C15ull};
    Communes c;
    load_communes(db, &c);

    /* text_fold speed on generated names */
    {
        enum { N = 200000 };
        Buf b = BUF_INIT, nm = BUF_INIT;
        char **names = xmalloc(N * sizeof *names);
        for (int i = 0; i < N; i++) {
            buf_reset(&nm);
            buf_printf(&nm, "%s %s %s", PICK(&r, product_types), PICK(&r, qualifiers),
                       PICK(&r, places));
            names[i] = xstrdup(nm.p);
        }
        uint64_t f0 = now_ns();
        size_t bytes = 0;
        for (int i = 0; i < N; i++) {
            buf_reset(&b);
            text_fold(&b, names[i], strlen(names[i]));
            bytes += b.n;
        }
        double fold_ns = (double)(now_ns() - f0) / N;
        f0 = now_ns();
        for (int i = 0; i < N; i++) free(text_key(names[i], strlen(names[i])));
        double key_ns = (double)(now_ns() - f0) / N;
        printf("text_fold: %.0f ns per name, text_key: %.0f ns per name"
               " (%d names like \"%s\", %zu bytes out)\n", fold_ns, key_ns, N, names[0], bytes);
        for (int i = 0; i < N; i++) free(names[i]);
        free(names);
        buf_free(&b);
        buf_free(&nm);
    }

    t0 = now_ns();
    fill(db, &r, &c, nvillages, nproducers, nproducts);
    printf("filled %d villages, %d producers, %d products: %.0f ms\n", nvillages, nproducers,
           nproducts, (now_ns() - t0) / 1e6);
    t0 = now_ns();
    if (search_rebuild(db, &e)) die("search_rebuild", &e);
    printf("search_rebuild (index %d records, optimize): %.0f ms\n",
           nvillages + nproducers + nproducts, (now_ns() - t0) / 1e6);
    struct stat st;
    if (stat(path, &st) == 0) printf("database file: %.0f MB\n", st.st_size / 1048576.0);

    /* The mix: mostly words and prefixes as typed, some single letters, some misses. */
    static const int mix[Q_CLASSES] = {
        [Q_WORDS] = 25, [Q_FOLDED] = 20, [Q_PREFIX] = 20, [Q_LETTER] = 5,
        [Q_PRODUCER] = 10, [Q_MISS] = 5, [Q_KIND] = 10, [Q_PAGE2] = 5,
    };
    Query *qs = xmalloc((size_t)nq * sizeof *qs);
    for (int i = 0; i < nq; i++) {
        int roll = (int)pick(&r, 100), cls = 0;
        while (roll >= mix[cls]) roll -= mix[cls++];
        qs[i] = make_query(&r, cls);
    }
    /* Warm the page cache the way a running server would be. */
    Arena a = {0};
    for (int i = 0; i < nq && i < 200; i++) {
        SearchHit *h;
        int nh;
        int64_t total;
        search_query(db, &a, qs[i].q, NULL, 20, 0, &h, &nh, &total, &e);
        arena_free(&a);
    }
    int errors = 0;
    for (int i = 0; i < nq; i++) {
        SearchHit *h;
        int nh;
        int64_t total;
        const char *kind = qs[i].cls == Q_KIND ? "product" : NULL;
        int offset = qs[i].cls == Q_PAGE2 ? 20 : 0;
        uint64_t q0 = now_ns(), c0 = cpu_ns();
        int rc = search_query(db, &a, qs[i].q, kind, 20, offset, &h, &nh, &total, &e);
        qs[i].ms = (now_ns() - q0) / 1e6;
        qs[i].cpu_ms = (cpu_ns() - c0) / 1e6;
        qs[i].total = total;
        if (rc) {
            errors++;
            fprintf(stderr, "query \"%s\": %d %s\n", qs[i].q, e.status, e.detail);
            err_clear(&e);
        }
        arena_free(&a);
    }

    printf("\n%-22s %6s %8s %8s %8s %8s %8s   (ms)\n", "queries", "count", "mean", "p50", "p95",
           "p99", "max");
    double *ms = xmalloc((size_t)nq * sizeof *ms);
    for (int i = 0; i < nq; i++) ms[i] = qs[i].cpu_ms;
    report("all, CPU time", ms, nq);
    for (int i = 0; i < nq; i++) ms[i] = qs[i].ms;
    report("all, wall clock", ms, nq);
    for (int cls = 0; cls < Q_CLASSES; cls++) {
        int n = 0;
        for (int i = 0; i < nq; i++)
            if (qs[i].cls == cls) ms[n++] = qs[i].ms;
        report(class_names[cls], ms, n);
    }
    qsort(qs, (size_t)nq, sizeof *qs, cmp_query_ms);
    printf("(by class: wall clock)\n\nslowest (wall clock):\n");
    for (int i = 0; i < nq && i < 8; i++)
        printf("  %7.3f ms  %7lld matches  %-18s \"%s\"\n", qs[i].ms, (long long)qs[i].total,
               class_names[qs[i].cls], qs[i].q);
    printf("errors: %d\n", errors);

    for (int i = 0; i < nq; i++) free(qs[i].q);
    free(qs);
    free(ms);
    for (int i = 0; i < c.n; i++) free(c.code[i]);
    free(c.code);
    db_close(db);
    if (getenv("BENCH_KEEP")) { /* keep the database for poking at with sqlite3 */
        printf("database kept: %s\n", path);
        return errors ? 1 : 0;
    }
    db_remove_files(path);
    return errors ? 1 : 0;
}
