/*
** entity.h: the registry's records described as data. Each Entity (producers, products,
** recognitions, villages, points of sale) is a table of Fields; one generic layer (entity.c)
** validates, lists, filters, sorts, pages, creates, updates, deletes, imports and exports them,
** and the per-entity hooks in registry.c add the OCOP rules (product codes, duplicates,
** references by registration number or product code, search indexing).
**
** Column and table names come only from these constant tables; every value is bound.
*/
#ifndef OCOP_ENTITY_H
#define OCOP_ENTITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "err.h"

typedef enum {
    FT_ID,      /* integer primary key, read-only */
    FT_TEXT,
    FT_INT,
    FT_REAL,
    FT_BOOL,
    FT_DATE,    /* 'YYYY-MM-DD'; import also takes dd/mm/yyyy */
    FT_ENUM,    /* one of Field.enums (value, or its Vietnamese/English label on import) */
    FT_SET,     /* several of Field.enums: JSON array; stored comma-separated and sorted */
    FT_REF,     /* integer id of a row of another entity (Field.ref) */
    FT_STAMP,   /* timestamp set by the system, read-only */
} FieldType;

enum {
    FF_REQUIRED = 1 << 0,  /* must be present and non-empty on create */
    FF_READONLY = 1 << 1,  /* computed; rejected on input (except import, where it is ignored) */
    FF_SORT = 1 << 2,      /* allowed in ?sort= */
    FF_FILTER = 1 << 3,    /* allowed as ?name=value (exact match) */
    FF_VIRTUAL = 1 << 4,   /* not a column: consumed by the prepare hook, produced by decorate */
    FF_NOEXPORT = 1 << 5,  /* left out of exports */
    FF_INTERNAL = 1 << 6,  /* a column the system maintains; never shown or accepted */
    FF_EMAIL = 1 << 7,
    FF_URL = 1 << 8,
    FF_PHONE = 1 << 9,
    FF_IMPORT_KEY = 1 << 10, /* virtual reference used by import/export (producer_reg_no) */
    /* Personal data of a person (a producer's legal representative, its contacts; Decree
    ** 13/2023/NĐ-CP): shown, filtered and sorted only for callers holding
    ** PERM_PRODUCERS_PERSONAL over the record (entity_personal_visible); left out of everything
    ** else (lists, records, exports). */
    FF_PERSONAL = 1 << 11,
};

typedef struct EnumVal {
    const char *value; /* stored and used by the API: "cooperative" */
    const char *vi;    /* "Hợp tác xã" */
    const char *en;    /* "Cooperative" */
} EnumVal;

typedef struct Field {
    const char *name;  /* JSON key and SQL column */
    FieldType type;
    unsigned flags;
    int maxlen;        /* FT_TEXT: characters (0: 2000) */
    int64_t min, max;  /* FT_INT/FT_REAL bounds when min < max */
    const EnumVal *enums; /* FT_ENUM/FT_SET; terminated by a NULL value */
    const char *ref;   /* FT_REF: the referenced table ("producers") */
    const char *vi;    /* column header, Vietnamese */
    const char *en;    /* column header, English */
    const char *help;  /* one line for docs and error messages */
} Field;

typedef struct Entity Entity;

/* An extra list filter: ?name=value binds value into a constant SQL condition. */
typedef struct Filter {
    const char *name;
    const char *sql;   /* e.g. "commune_code IN (SELECT code FROM units WHERE parent_code = ?)" */
    FieldType type;    /* how to check the value (FT_TEXT, FT_INT, FT_DATE, FT_ENUM) */
    const EnumVal *enums;
    int nparams;       /* how many '?' in sql take the value (default 1) */
    int today;         /* how many '?' after those take today's date (UTC) */
    int certified;     /* how many '?' after those take the fewest certified stars (the score
                       ** sheet in force: rubric_certified_stars; QĐ 26/2026 Điều 4.1.a: 3) */
    /* Instead of nparams/today/certified: one letter per '?' of sql, in order: 'v' the value,
    ** 't' today, 'c' the fewest certified stars. For SQL that needs them interleaved. */
    const char *params;
} Filter;

/* A sort key that is not a column: ?sort=name orders by sql (a constant expression over the
** entity's table, its '?' described by params as in Filter.params). */
typedef struct SortKey {
    const char *name;
    const char *sql;
    const char *params;
} SortKey;

struct Entity {
    const char *name;      /* "products": URL segment and import kind */
    const char *singular;  /* "product" */
    const char *table;
    const char *label_vi;  /* "Sản phẩm" */
    const Field *fields;   /* terminated by a NULL name; fields[0] is the id */
    const Filter *filters; /* extra filters, NULL-name terminated; may be NULL */
    const char *default_sort; /* "name" */
    const SortKey *sorts;     /* sort keys beyond the FF_SORT fields, NULL-name terminated */
    /* Domain rules before a write: check and normalise obj (a complete record on create, the
    ** merged record on update), resolve virtual references into columns, derive columns.
    ** id is 0 on create. Returns -1 with e (field named) to refuse. */
    int (*prepare)(Db *db, Arena *a, json_t *obj, int64_t id, Err *e);
    /* After the row is written: link tables. */
    int (*after_write)(Db *db, Arena *a, json_t *obj, int64_t id, Err *e);
    /* The search kind ("product", ...) when records are searchable: entity.c keeps the search
    ** index current on every write; a bulk import indexes its new rows in one pass. */
    const char *search_kind;
    /* Before delete: refuse (409) when other records depend on it; clean the search index. */
    int (*before_delete)(Db *db, int64_t id, Err *e);
    /* Rules of who may write what beyond the scope of the place (entity_check_write runs it on
    ** every create, update, delete and imported row): before is the stored output record (NULL
    ** on create), after the prepared record (NULL on delete). -1 with e to refuse. */
    int (*authorize)(Db *db, const Actor *who, json_t *before, json_t *after, int64_t id, Err *e);
    /* Add derived and virtual fields to an output record. */
    void (*decorate)(Db *db, json_t *obj, int64_t id);
    /* Instead of the column read plus decorate: write the whole output record of id as JSON
    ** text into out (for the hottest read paths). False when there is no such record. */
    bool (*render)(Db *db, int64_t id, Buf *out);
    /* For import: the id of an existing record this one duplicates (after prepare), else 0;
    ** *why names the rule ("same registration number"). */
    int64_t (*find_duplicate)(Db *db, json_t *obj, const char **why);
    /* Who may write it (auth.h): checked against the record's place (entity_place) before and
    ** after the change, so a record can neither be touched nor moved outside one's scope. */
    Perm perm_create, perm_update, perm_delete;
    /* The record is a producer: its own id is the producer a producer role is scoped to. */
    bool is_producer;
    /* Reading: PERM_PUBLIC (0) for the public registry; otherwise lists show only the records
    ** within the caller's scope (by the columns province_code, commune_code, producer_id and
    ** council_sql) and a record outside it is 404. */
    Perm perm_read;
    const char *council_sql; /* "round_id IN (SELECT id FROM rounds WHERE council_id = ?)" */
    const char *ministry_sql; /* the records the Ministry's officers read (no '?'); NULL: none */
    /* ?q= of an entity without a name_fold column: a condition over its table whose every '?'
    ** takes the search text folded (text_fold: lower case, no diacritics), e.g. the names of
    ** the records it refers to. NULL: such an entity cannot be searched. */
    const char *search_sql;
    /* Exports of this entity are written with the columns of export_as (after its decorate):
    ** the dossiers' lists export as the archive's import reads them (dossier_archive.c). */
    const struct Entity *export_as;
};

/* What the hooks read of a record: obj[key] when it is a string (else NULL), when it is an integer
** (else 0). */
static inline const char *obj_str(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
static inline int64_t obj_int(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

extern const Entity ENTITY_PRODUCERS, ENTITY_PRODUCTS, ENTITY_RECOGNITIONS, ENTITY_VILLAGES,
    ENTITY_POINTS, ENTITY_COUNCILS, ENTITY_ADVISORS;
/* NULL-terminated list of all entities, in import dependency order. */
extern const Entity *const entities[];
const Entity *entity_by_name(const char *name);
const Field *entity_field(const Entity *en, const char *name);

/* Listing. Filters and sort are checked against the entity; errors name the parameter. */
typedef struct ListQuery {
    const char **keys, **values; /* filter parameters (field or Filter name = value) */
    int nfilters;
    const char *q;               /* text search within this entity, or NULL */
    const char *sort;            /* "name,-created_at" or NULL for the default */
    int64_t limit, offset;       /* limit < 0: all */
    const Actor *who;            /* for entities that are not public (perm_read), and for the
                                 ** personal fields (FF_PERSONAL); NULL counts as anonymous */
    bool bare;                   /* items hold the stored columns only (no render, no decorate):
                                 ** for a caller that reads what it shows of a whole page in a
                                 ** few set-based queries instead of one record at a time */
} ListQuery;

/* Items (a new JSON array the caller owns) and the total matching count. Personal fields are
** removed from the items who may not see (entity_redact); filtering or sorting by one needs
** PERM_PRODUCERS_PERSONAL (403 naming the parameter) and keeps the list to the records where
** who holds it. */
int entity_list(Db *db, Arena *a, const Entity *en, const ListQuery *lq, json_t **items, int64_t *total, Err *e);
/* What a facet counts (entity_facet), constant SQL either way:
**   key: an expression over the entity's table; the count is of the records per value;
**   via: a whole query "SELECT k, n FROM ... WHERE ... IN IDS ... GROUP BY k" in which IDS
**        stands for the ids of the records the list keeps ("(SELECT id FROM table WHERE ...)"):
**        for counts cheaper to make from another table (all its '?' come before IDS).
** params: the letters of its '?' (Filter.params); NULL for none. */
typedef struct FacetSql {
    const char *key, *via, *params;
} FacetSql;

/* Facet counts: how many records lq's filters (and q, and who's scope) keep for each value of
** fs, as a new object {"value": count} the caller owns (a NULL value is left out). Leave a
** facet's own parameter out of lq to count what each of its values would give. lq's sort,
** limit and offset are ignored. */
int entity_facet(Db *db, Arena *a, const Entity *en, const ListQuery *lq, const FacetSql *fs, json_t **counts, Err *e);
/* The record (new reference, caller owns), or NULL with a 404 in e. */
json_t *entity_get(Db *db, const Entity *en, int64_t id, Err *e);
/* Check field types and values of obj against the entity. create: required fields must be
** present. lenient: cells from a spreadsheet (strings) are converted to their types in place,
** labels accepted for enums, unknown keys allowed (the importer checks headers itself).
** All problems go to e->errors as {"field","value","reason"}; the first is e->detail. */
int entity_check(const Entity *en, json_t *obj, bool create, bool lenient, Err *e);
/* entity_check that also hands each problem to sink as it finds it, as an Err of its own (its
** message and arguments, to be told in any language: err_text), value NULL when there is none. */
/* e names a field of en (e->field) without its label: give it the field's Vietnamese one (err.h). */
void entity_err_label(const Entity *en, Err *e);
typedef void (*CheckSink)(void *arg, const char *field, json_t *value, const Err *why);
int entity_check_each(const Entity *en, json_t *obj, bool create, bool lenient, CheckSink sink, void *arg, Err *e);
/* Where a record lies (its commune, province, producer, council), from its stored or output
** JSON (obj) and its id (0 on create). */
void entity_place(Db *db, const Entity *en, json_t *obj, int64_t id, Place *p);
/* May who do perm on the record obj (id)? 0, or -1 with e: 404 (exists) when the record is
** outside who's scope, 403 naming the field when the target place (create, move) is, 401 when
** who is anonymous (and perm is not PERM_PUBLIC). The system may do everything. */
int entity_check_scope(Db *db, const Entity *en, const Actor *who, Perm perm, json_t *obj, int64_t id,
                       bool target, Err *e);

/* The one check of every write of a record (entity_insert, entity_update, entity_delete, each
** row of an import): may who turn before (the stored output record; NULL on create) into after
** (the prepared record; NULL on delete) with perm? Both must lie in who's scope (404 for
** before, 403 for after, as entity_check_scope); the producer a record is attached to must lie
** in it too, when it is new or changes (403, producer_id); a record placed in another commune
** than before (on create: than its producer's) needs an officer of that place, not a producer
** account (403, commune_code); then the entity's own rules (en->authorize). An anonymous who is
** refused (401); for the system only en->authorize applies. */
int entity_check_write(Db *db, const Entity *en, const Actor *who, Perm perm, json_t *before, json_t *after, int64_t id,
                       Err *e);

/* Personal fields (FF_PERSONAL). May who see them on the record obj (an output record)? The
** system: yes; an anonymous caller: no; a user when it holds PERM_PRODUCERS_PERSONAL at the
** record's place (an officer in scope, the producer itself). */
bool entity_personal_visible(Db *db, const Entity *en, const Actor *who, json_t *obj);
/* Remove the personal fields of obj unless who may see them: the one filter every output
** of a record goes through (entity_list applies it to its items). */
void entity_redact(Db *db, const Entity *en, const Actor *who, json_t *obj);
/* Does en have personal fields? */
bool entity_has_personal(const Entity *en);

/* Writes record who did them in the audit trail and refuse what who may not do
** (entity_check_write: an anonymous caller nothing, the system everything). */
/* Create from a checked object; *id receives the new id. Runs prepare and after_write.
** The caller holds the transaction. */
int entity_insert(Db *db, Arena *a, const Entity *en, const Actor *who, json_t *obj, int64_t *id, Err *e);
/* entity_insert without entity_check_write: for the one write whose right comes from its
** caller's own rule, not from who's roles (user_register: anyone may register a producer,
** which an anonymous caller does). Still runs prepare, en->authorize, and the audit entry (as
** who). Nothing else calls it. */
int entity_insert_unchecked(Db *db, Arena *a, const Entity *en, const Actor *who, json_t *obj, int64_t *id, Err *e);
/* The second half of entity_insert, for callers that ran en->prepare themselves (the
** importer, which checks for duplicates in between). */
int entity_write_new(Db *db, Arena *a, const Entity *en, json_t *obj, int64_t *id, bool index, Err *e);
/* Merge patch into the record id and write it (prepare, after_write). Caller holds the tx. */
int entity_update(Db *db, Arena *a, const Entity *en, const Actor *who, int64_t id, json_t *patch, Err *e);
/* entity_update without entity_check_scope and entity_check_write, as entity_insert_unchecked:
** for the one write whose right comes from its caller's own rule, a decision superseding the
** product's earlier recognitions (decision.c supersede: the Ministry's 5★ decision ends a
** province's 4★). Still runs prepare, en->authorize, and the audit entry (as who). Nothing
** else calls it. */
int entity_update_unchecked(Db *db, Arena *a, const Entity *en, const Actor *who, int64_t id, json_t *patch, Err *e);
int entity_delete(Db *db, const Entity *en, const Actor *who, int64_t id, Err *e);

/* Import/export headers: the field matching a column header in Vietnamese or English, by a
** case-, diacritic- and punctuation-insensitive comparison, or NULL. */
const Field *entity_field_by_header(const Entity *en, const char *header);
/* Fields that appear in exports, in order (NULL-terminated array in a); personal: with the
** personal fields (for a caller who may see some, entity_personal_allowed). */
const Field **entity_export_fields(const Entity *en, bool personal, Arena *a, int *n);
/* May who see personal fields anywhere (the system: yes; anonymous: no)? */
bool entity_personal_allowed(const Actor *who);
/* The export text of one field of an output record ("" for null). Allocated in a. */
const char *entity_cell(const Field *f, json_t *obj, Arena *a, bool vi);

/* Run the entity's own SQL reading one column: helper for hooks. */
const char *entity_enum_label(const EnumVal *ev, const char *value, bool vi);

#endif
