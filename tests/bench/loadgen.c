/*
 * loadgen.c - webhook load for `make bench` (tests/bench/run).
 *
 *   loadgen ingest --url URL --secret S --db CONNINFO [--seconds 20] [--conns 8]
 *                  [--phones 5000] [--repeat-pct 10] [--drain-max 60] [--pnid ID]
 *                  [--pid SERVER_PID] [--pg-pid POSTMASTER_PID]
 *   loadgen greet  --url URL --secret S --fake URL [--count 200] [--rate 20]
 *                  [--wait 30] [--pnid ID]
 *
 * Both post WhatsApp text-message webhooks in Meta's wire format (compact
 * JSON, non-ASCII as lowercase \uXXXX, "/" as "\/", one message per POST)
 * to URL/webhook/whatsapp, signed with X-Hub-Signature-256 = HMAC-SHA256 of
 * the exact body bytes keyed with the app secret. Each body is a pure
 * function of its sequence number, so a repeat is byte for byte the earlier
 * POST, as Meta's retries are.
 *
 * ingest: --conns threads, each with its own curl handle and one keep-alive
 * connection, post as fast as they are answered for --seconds. About
 * --repeat-pct of the POSTs repeat a recent body (from any connection, possibly
 * still in flight: a retry racing its original). Client phones are drawn from
 * a pool of --phones. A monitor thread polls inbound_events (rows newer than
 * those present at the start) once a second with libpq: during the load, then
 * until nothing is pending or --drain-max seconds pass. Prints key=value lines:
 * acknowledged webhooks/s, ack latency percentiles, non-2xx and failed
 * requests, distinct message ids sent and acknowledged, rows stored and their
 * distinct message ids, events processed per second, backlog and drain time,
 * and the CPU used during the load by --pid, by PostgreSQL (--pg-pid and its
 * backends), by itself and by the whole machine.
 *
 * greet: --count new client phones, one POST each at --rate per second on one
 * connection; the time of each 2xx is noted on the wall clock. Then polls the
 * fake upstream's recorded WhatsApp sends (GET /_control/requests, each with
 * "received_us") until every new phone got its first send (the greeting) or
 * --wait seconds pass, and prints the percentiles of ack -> greeting arrival.
 *
 * Exit status: 0 when the run took place (its figures are judged by the
 * caller), 1 on a set-up failure, 2 on bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define MAX_SEQ (1u << 22)  /* distinct messages per run */
#define REPEAT_WINDOW 2000u /* a repeat picks one of the last this many bodies */
#define BODY_CAP 4096       /* bytes per webhook body */
#define MAX_CONNS 64
#define MAX_SECONDS 3600
#define LOAD_PREFIX "92345"  /* load phones: 92345 + 7 digits */
#define GREET_PREFIX "92346" /* greeting-phase phones, never used by the load */

struct opts {
    const char *mode, *url, *secret, *db, *fake, *pnid;
    int seconds, conns, phones, repeat_pct, drain_max, count, rate, wait_s;
    int pid;    /* the server, for its CPU time; 0: not measured */
    int pg_pid; /* the postmaster, for the cluster's CPU time */
};

/* ---- clocks, numbers ------------------------------------------------- */

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(int64_t us)
{
    struct timespec ts;

    if (us <= 0) {
        return;
    }
    ts.tv_sec = (time_t)(us / 1000000);
    ts.tv_nsec = (long)(us % 1000000) * 1000;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        continue;
    }
}

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* The q-quantile of n sorted values, in milliseconds (values in us). */
static double pct_ms(const uint32_t *v, size_t n, double q)
{
    size_t i;

    if (n == 0) {
        return 0.0;
    }
    i = (size_t)(q * (double)n);
    if (i >= n) {
        i = n - 1;
    }
    return (double)v[i] / 1000.0;
}

/* ---- bodies ---------------------------------------------------------- */

/* Client texts as Meta escapes them on the wire. */
static const char *const texts[] = {
    "Assalam o alaikum! 15 March ko shadi ke liye hall available hai? Taqreeban 300 mehman "
    "honge.",
    "Mehndi ka function hai 22 December ko, Marquee ka rate kya hai? Dinner slot chahiye.",
    "Hi, is the Grand Hall free on 3\\/4 for a walima? Around 500 guests, full day.",
    "\\u0627\\u0644\\u0633\\u0644\\u0627\\u0645 \\u0639\\u0644\\u06cc\\u06a9\\u0645! "
    "\\u06a9\\u06cc\\u0627 \\u06f1\\u06f5\\/\\u06f0\\u06f3 \\u06a9\\u0648 \\u0634\\u0627"
    "\\u062f\\u06cc \\u06a9\\u06d2 \\u0644\\u06cc\\u06d2 \\u06af\\u0631\\u06cc\\u0646\\u0688 "
    "\\u06c1\\u0627\\u0644 \\u062f\\u0633\\u062a\\u06cc\\u0627\\u0628 \\u06c1\\u06d2\\u061f",
    "Rate list bhej dein please \\ud83d\\ude4f Barat ke liye lawn dekhna hai.",
    "Kal site visit ke liye aa sakte hain? Shaam 5 baje.",
};

static const char *const names[] = {
    "Ayesha Khan", "Hamza Siddiqui", "\\u0639\\u0627\\u0626\\u0634\\u06c1 \\u062e\\u0627\\u0646",
    "Zara Ahmed",  "Usman",          "Maryam \\ud83c\\udf38",
};

#define N_TEXTS (sizeof(texts) / sizeof(texts[0]))
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static const char body_fmt[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"104857600123456\","
    "\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
    "\"display_phone_number\":\"923215550100\",\"phone_number_id\":\"%s\"},"
    "\"contacts\":[{\"profile\":{\"name\":\"%s\"},\"wa_id\":\"%s\"}],"
    "\"messages\":[{\"from\":\"%s\",\"id\":\"%s\",\"timestamp\":\"%" PRId64 "\","
    "\"type\":\"text\",\"text\":{\"body\":\"%s\"}}]},\"field\":\"messages\"}]}]}";

struct gen {
    const char *pnid;
    uint64_t run;    /* differs per run and per mode: wamids never collide */
    int64_t epoch_s; /* message timestamps start here */
    int phones;      /* ingest: pool size */
    const char *prefix;
};

static void b64(const unsigned char *in, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, k = 0;

    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[k++] = tab[v >> 18 & 63];
        out[k++] = tab[v >> 12 & 63];
        out[k++] = tab[v >> 6 & 63];
        out[k++] = tab[v & 63];
    }
    out[k] = '\0';
}

/* A wamid shaped like Meta's: base64 of the sender's digits, a few fixed
 * bytes and a unique tail (run and seq). */
static void make_wamid(const struct gen *g, const char *phone, uint32_t seq, char out[80])
{
    unsigned char raw[39];
    char tail[24];

    memcpy(raw, phone, 12);
    memcpy(raw + 12, "\x15\x02\x00\x12\x18\x14", 6);
    snprintf(tail, sizeof(tail), "%010" PRIX64 "%08" PRIX32, (uint64_t)(g->run & 0xffffffffffULL),
             seq);
    memcpy(raw + 18, tail, 18);
    memcpy(raw + 36, "\x00\x00\x00", 3);
    memcpy(out, "wamid.HBgM", 10);
    b64(raw, sizeof(raw), out + 10);
}

static void phone_of(const struct gen *g, uint32_t idx, char out[16])
{
    snprintf(out, 16, "%s%07" PRIu32, g->prefix, idx % 10000000u);
}

/* The body of message seq from phone idx; its length, or 0 if it does not fit. */
static size_t make_body(const struct gen *g, uint32_t seq, uint32_t idx, char *buf, size_t cap)
{
    char phone[16], wamid[80];
    int n;

    phone_of(g, idx, phone);
    make_wamid(g, phone, seq, wamid);
    n = snprintf(buf, cap, body_fmt, g->pnid, names[idx % N_NAMES], phone, phone, wamid,
                 g->epoch_s + seq / 1000, texts[mix64(seq) % N_TEXTS]);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* ---- one signed POST ----------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

struct poster {
    CURL *curl;
    char url[512];
    const char *secret;
    char errbuf[CURL_ERROR_SIZE];
};

static int poster_init(struct poster *p, const char *base, const char *secret)
{
    memset(p, 0, sizeof(*p));
    p->curl = curl_easy_init();
    if (!p->curl) {
        return -1;
    }
    snprintf(p->url, sizeof(p->url), "%s/webhook/whatsapp", base);
    p->secret = secret;
    curl_easy_setopt(p->curl, CURLOPT_URL, p->url);
    curl_easy_setopt(p->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(p->curl, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(p->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(p->curl, CURLOPT_ERRORBUFFER, p->errbuf);
    return 0;
}

static void poster_release(struct poster *p)
{
    curl_easy_cleanup(p->curl);
    p->curl = NULL;
}

/* POSTs body; returns the HTTP status, or 0 when no answer came. */
static long poster_post(struct poster *p, const char *body, size_t len)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    char sig[32 + 2 * EVP_MAX_MD_SIZE];
    struct curl_slist *h = NULL;
    long code = 0;
    int k;

    HMAC(EVP_sha256(), p->secret, (int)strlen(p->secret), (const unsigned char *)body, len, mac,
         &maclen);
    k = snprintf(sig, sizeof(sig), "X-Hub-Signature-256: sha256=");
    for (unsigned int i = 0; i < maclen; i++) {
        k += snprintf(sig + k, sizeof(sig) - (size_t)k, "%02x", mac[i]);
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: facebookexternalua");
    h = curl_slist_append(h, "Expect:");
    h = curl_slist_append(h, sig);
    curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(p->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(p->curl, CURLOPT_POSTFIELDSIZE, (long)len);
    if (curl_easy_perform(p->curl) == CURLE_OK) {
        curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &code);
    }
    curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    return code;
}

/* ---- ingest ----------------------------------------------------------------- */

struct lat {
    uint32_t *v; /* microseconds */
    size_t n, cap;
};

static int lat_add(struct lat *l, int64_t us)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 65536;
        uint32_t *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            return -1;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)(us < 0 ? 0 : us);
    return 0;
}

struct load {
    const struct opts *o;
    struct gen g;
    int64_t t0_us, deadline_us;
    atomic_uint next_seq; /* new messages taken so far */
    atomic_uchar *acked;  /* per seq: some POST of it got a 2xx */
    atomic_ulong per_second[MAX_SECONDS + 1];
    atomic_int running; /* posters still posting */
};

struct conn {
    struct load *ld;
    pthread_t thread;
    struct poster p;
    struct lat lat;
    uint64_t rnd;
    unsigned long posts, ok, non2xx, failed, repeats;
    char body[BODY_CAP];
};

static uint32_t phone_idx(const struct load *ld, uint32_t seq)
{
    return (uint32_t)(mix64((uint64_t)seq ^ ld->g.run) % (uint64_t)ld->g.phones);
}

/* Picks the next message: usually a new one, sometimes a recent repeat. */
static bool next_message(struct conn *c, uint32_t *seq, bool *repeat)
{
    struct load *ld = c->ld;
    unsigned int cur = atomic_load(&ld->next_seq);

    c->rnd = mix64(c->rnd);
    if (cur > 0 && (int)(c->rnd % 100) < ld->o->repeat_pct) {
        unsigned int win = cur < REPEAT_WINDOW ? cur : REPEAT_WINDOW;
        *seq = cur - 1 - (unsigned int)((c->rnd >> 20) % win);
        *repeat = true;
        return true;
    }
    *seq = atomic_fetch_add(&ld->next_seq, 1);
    *repeat = false;
    if (*seq >= MAX_SEQ) {
        atomic_fetch_sub(&ld->next_seq, 1);
        return false;
    }
    return true;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct load *ld = c->ld;

    while (mono_us() < ld->deadline_us) {
        uint32_t seq;
        bool repeat;
        size_t len;
        int64_t t0, t1;
        long code;

        if (!next_message(c, &seq, &repeat)) {
            break;
        }
        len = make_body(&ld->g, seq, phone_idx(ld, seq), c->body, sizeof(c->body));
        if (!len) {
            break;
        }
        t0 = mono_us();
        code = poster_post(&c->p, c->body, len);
        t1 = mono_us();
        c->posts++;
        c->repeats += repeat;
        if (code >= 200 && code < 300) {
            c->ok++;
            atomic_store(&ld->acked[seq], 1);
            int64_t sec = (t1 - ld->t0_us) / 1000000;
            atomic_fetch_add(&ld->per_second[sec < MAX_SECONDS ? sec : MAX_SECONDS], 1);
            if (lat_add(&c->lat, t1 - t0)) {
                break;
            }
        } else if (code == 0) {
            c->failed++;
        } else {
            c->non2xx++;
        }
    }
    atomic_fetch_sub(&ld->running, 1);
    return NULL;
}

/* ---- CPU accounting (/proc) ------------------------------------------------ */

struct cpu {
    int64_t t_us;
    long long proc_ticks;  /* utime + stime of --pid */
    long long self_ticks;  /* this process */
    long long pg_ticks;    /* --pg-pid and its children */
    long long busy, total; /* the machine, all cores */
};

static long long proc_ticks(long pid)
{
    char path[64], buf[1024];
    long long ut = 0, st = 0;
    FILE *f;
    char *p;
    size_t n;

    snprintf(path, sizeof(path), pid > 0 ? "/proc/%ld/stat" : "/proc/self/stat", pid);
    f = fopen(path, "r");
    if (!f) {
        return 0;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    /* after "pid (comm)": state is field 3, utime 14, stime 15 */
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) != 2) {
        return 0;
    }
    return ut + st;
}

/* utime + stime of the postmaster pg and its children (the backends alive now). */
static long long cluster_ticks(long pg)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    long long sum = 0;

    if (!d || pg <= 0) {
        if (d) {
            closedir(d);
        }
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[1024], *p;
        long ppid = 0, pid = strtol(e->d_name, &p, 10);
        long long ut = 0, st = 0;
        FILE *f;
        size_t n;

        if (*p || pid <= 0) {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        f = fopen(path, "r");
        if (!f) {
            continue;
        }
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        p = strrchr(buf, ')');
        if (p &&
            sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ppid, &ut,
                   &st) == 3 &&
            (pid == pg || ppid == pg)) {
            sum += ut + st;
        }
    }
    closedir(d);
    return sum;
}

static void cpu_read(const struct opts *o, struct cpu *c)
{
    long pid = o->pid;
    long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");

    c->t_us = mono_us();
    c->proc_ticks = pid > 0 ? proc_ticks(pid) : 0;
    c->self_ticks = proc_ticks(0);
    c->pg_ticks = cluster_ticks(o->pg_pid);
    c->busy = c->total = 0;
    if (f && fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3],
                    &v[4], &v[5], &v[6], &v[7]) == 8) {
        for (int i = 0; i < 8; i++) {
            c->total += v[i];
        }
        c->busy = c->total - v[3] - v[4]; /* not idle, not iowait */
    }
    if (f) {
        fclose(f);
    }
}

/* CPU use between a and b: of --pid, PostgreSQL and this process in % of one
 * core; of the machine in % of all its cores. */
static void cpu_report(const struct cpu *a, const struct cpu *b)
{
    double secs = (double)(b->t_us - a->t_us) / 1e6, hz = (double)sysconf(_SC_CLK_TCK);
    double k = 100.0 / hz / secs;

    if (secs <= 0) {
        return;
    }
    printf("server_cpu_pct=%.0f\npg_cpu_pct=%.0f\nloadgen_cpu_pct=%.0f\n",
           (double)(b->proc_ticks - a->proc_ticks) * k, (double)(b->pg_ticks - a->pg_ticks) * k,
           (double)(b->self_ticks - a->self_ticks) * k);
    printf("machine_busy_pct=%.0f\nmachine_cores=%ld\n",
           b->total > a->total ? (double)(b->busy - a->busy) / (double)(b->total - a->total) * 100.0
                               : 0.0,
           sysconf(_SC_NPROCESSORS_ONLN));
}

/* ---- the store monitor -------------------------------------------------- */

struct sample {
    int64_t t_us;
    long long rows, pending, done;
};

static PGconn *db_open(const char *conninfo)
{
    PGconn *pg = PQconnectdb(conninfo);

    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "loadgen: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* One row of integers from sql; returns how many were filled (0 on error). */
static int db_ints(PGconn *pg, const char *sql, const char *arg, long long *out, int n)
{
    const char *params[1] = {arg};
    PGresult *r = PQexecParams(pg, sql, arg ? 1 : 0, NULL, params, NULL, NULL, 0);
    int got = 0;

    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) >= n) {
        for (got = 0; got < n; got++) {
            out[got] = PQgetisnull(r, 0, got) ? 0 : strtoll(PQgetvalue(r, 0, got), NULL, 10);
        }
    } else {
        fprintf(stderr, "loadgen: query failed: %s", PQerrorMessage(pg));
    }
    PQclear(r);
    return got;
}

static const char sql_base[] = "SELECT COALESCE(max(id), 0) FROM inbound_events";
static const char sql_sample[] =
    "SELECT count(*), count(*) FILTER (WHERE state = 'pending'),"
    " count(*) FILTER (WHERE state <> 'pending') FROM inbound_events WHERE id > $1::bigint";
static const char sql_rows[] =
    "SELECT count(*), count(DISTINCT payload->'message'->>'id'),"
    " count(*) FILTER (WHERE state = 'failed'), count(*) FILTER (WHERE state = 'ignored')"
    " FROM inbound_events WHERE id > $1::bigint";

static const char sql_ids[] =
    "SELECT payload->'message'->>'id' FROM inbound_events WHERE id > $1::bigint";

static int b64_val(char c)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(tab, c) : NULL;

    return p ? (int)(p - tab) : -1;
}

/* The seq a load wamid carries (make_wamid: raw bytes 28..35 are its hex),
 * or -1 when wamid is not one of this run's. */
static long long wamid_seq(const struct gen *g, const char *wamid)
{
    unsigned char raw[9];
    char hex[9], run[11], want[11];
    const char *p;

    if (!wamid || strncmp(wamid, "wamid.HBgM", 10) != 0 || strlen(wamid) != 10 + 52) {
        return -1;
    }
    /* base64 chars 24..47 hold raw bytes 18..35: run (10 hex) and seq (8 hex) */
    p = wamid + 10 + 24;
    for (int i = 0; i < 6; i++) {
        int a = b64_val(p[4 * i]), b = b64_val(p[4 * i + 1]), c = b64_val(p[4 * i + 2]),
            d = b64_val(p[4 * i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0) {
            return -1;
        }
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        unsigned char three[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8),
                                  (unsigned char)v};
        for (int k = 0; k < 3; k++) {
            int at = 3 * i + k; /* 0..17 = raw bytes 18..35 */
            if (at < 10) {
                run[at] = (char)three[k];
            } else {
                raw[at - 10] = three[k];
            }
        }
    }
    run[10] = '\0';
    snprintf(want, sizeof(want), "%010" PRIX64, (uint64_t)(g->run & 0xffffffffffULL));
    if (strcmp(run, want) != 0) {
        return -1;
    }
    memcpy(hex, raw, 8);
    hex[8] = '\0';
    return strtoll(hex, NULL, 16);
}

struct verdict {
    long long rows, lost, dups, unacked, stray;
};

/* Checks the stored rows against what was sent: every acknowledged message
 * stored exactly once, nothing that was not sent. */
static int verify_rows(PGconn *pg, const char *base, const struct load *ld, struct verdict *v)
{
    const char *params[1] = {base};
    unsigned int sent = atomic_load(&ld->next_seq);
    unsigned char *seen = calloc(sent ? sent : 1, 1);
    PGresult *r;

    if (!seen) {
        return -1;
    }
    memset(v, 0, sizeof(*v));
    r = PQexecParams(pg, sql_ids, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "loadgen: query failed: %s", PQerrorMessage(pg));
        PQclear(r);
        free(seen);
        return -1;
    }
    v->rows = PQntuples(r);
    for (int i = 0; i < PQntuples(r); i++) {
        long long seq = wamid_seq(&ld->g, PQgetisnull(r, i, 0) ? NULL : PQgetvalue(r, i, 0));
        if (seq < 0 || seq >= sent) {
            v->stray++;
        } else if (seen[seq]) {
            v->dups++;
        } else {
            seen[seq] = 1;
        }
    }
    for (unsigned int s = 0; s < sent; s++) {
        if (atomic_load(&ld->acked[s]) && !seen[s]) {
            v->lost++;
        }
        if (!atomic_load(&ld->acked[s]) && seen[s]) {
            v->unacked++;
        }
    }
    PQclear(r);
    free(seen);
    return 0;
}

static int sample(PGconn *pg, const char *base, struct sample *s)
{
    long long v[3];

    if (db_ints(pg, sql_sample, base, v, 3) != 3) {
        return -1;
    }
    s->t_us = mono_us();
    s->rows = v[0];
    s->pending = v[1];
    s->done = v[2];
    return 0;
}

/* ---- ingest: the run ---------------------------------------------------- */

static void print_latency(const char *prefix, struct lat *all)
{
    qsort(all->v, all->n, sizeof(*all->v), cmp_u32);
    printf("%s_p50_ms=%.2f\n", prefix, pct_ms(all->v, all->n, 0.50));
    printf("%s_p99_ms=%.2f\n", prefix, pct_ms(all->v, all->n, 0.99));
    printf("%s_max_ms=%.2f\n", prefix, all->n ? (double)all->v[all->n - 1] / 1000.0 : 0.0);
}

/* Samples once a second until the posters are done; then until nothing is
 * pending or drain_max seconds pass. */
static void monitor(struct load *ld, PGconn *pg, const char *base, struct sample *at_stop,
                    struct sample *at_end, int64_t *drained_us, struct cpu *cpu_stop)
{
    int64_t next_us = ld->t0_us + 1000000;
    struct sample s;

    *drained_us = -1;
    while (atomic_load(&ld->running) > 0) {
        sleep_us(50000);
        if (mono_us() >= next_us && atomic_load(&ld->running) > 0) {
            if (sample(pg, base, &s) == 0) {
                printf("sample t=%.1f rows=%lld pending=%lld done=%lld\n",
                       (double)(s.t_us - ld->t0_us) / 1e6, s.rows, s.pending, s.done);
            }
            next_us += 1000000;
        }
    }
    cpu_read(ld->o, cpu_stop);
    if (sample(pg, base, at_stop)) {
        return;
    }
    *at_end = *at_stop;
    while (at_end->pending > 0 && at_end->t_us - at_stop->t_us < ld->o->drain_max * 1000000LL) {
        sleep_us(250000);
        if (sample(pg, base, &s) == 0) {
            *at_end = s;
        }
    }
    if (at_end->pending == 0) {
        *drained_us = at_end->t_us - at_stop->t_us;
    }
}

/* How many client phones the first n messages came from. */
static unsigned int phones_used(const struct load *ld, unsigned int n)
{
    unsigned char *seen = calloc((size_t)ld->g.phones, 1);
    unsigned int used = 0;

    for (unsigned int s = 0; seen && s < n; s++) {
        uint32_t i = phone_idx(ld, s);
        used += !seen[i];
        seen[i] = 1;
    }
    free(seen);
    return used;
}

static void report_ingest(struct load *ld, struct conn *cs, int n, int64_t end_us,
                          const struct sample *first, const struct sample *stop,
                          const struct sample *end, int64_t drained_us, PGconn *pg,
                          const char *base)
{
    unsigned long posts = 0, ok = 0, non2xx = 0, failed = 0, repeats = 0, lo = ULONG_MAX, hi = 0;
    unsigned int sent = atomic_load(&ld->next_seq), acked = 0;
    struct lat all = {0};
    double secs = (double)(end_us - ld->t0_us) / 1e6, load_s;
    long long rows[4] = {0, 0, 0, 0};
    struct verdict ver;
    int full = (int)secs;

    for (int i = 0; i < n; i++) {
        posts += cs[i].posts;
        ok += cs[i].ok;
        non2xx += cs[i].non2xx;
        failed += cs[i].failed;
        repeats += cs[i].repeats;
        for (size_t k = 0; k < cs[i].lat.n; k++) {
            if (lat_add(&all, cs[i].lat.v[k])) {
                break;
            }
        }
    }
    for (unsigned int s = 0; s < sent; s++) {
        acked += atomic_load(&ld->acked[s]);
    }
    for (int s = 0; s < full && s < MAX_SECONDS; s++) {
        unsigned long v = atomic_load(&ld->per_second[s]);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    printf("seconds=%.2f\nconns=%d\nposts=%lu\nacked=%lu\nnon2xx=%lu\nfailed=%lu\nrepeats=%lu\n",
           secs, n, posts, ok, non2xx, failed, repeats);
    printf("acked_per_s=%.0f\nacked_per_s_min_1s=%lu\nacked_per_s_max_1s=%lu\n", (double)ok / secs,
           full ? lo : 0, hi);
    print_latency("ack", &all);
    printf("distinct_sent=%u\ndistinct_acked=%u\nphones_used=%u\n", sent, acked,
           phones_used(ld, sent));
    load_s = (double)(stop->t_us - first->t_us) / 1e6;
    printf("processed_during_load=%lld\nprocessed_per_s=%.0f\n", stop->done - first->done,
           load_s > 0 ? (double)(stop->done - first->done) / load_s : 0.0);
    printf("backlog_at_stop=%lld\nbacklog_at_end=%lld\n", stop->pending, end->pending);
    printf("drain_s=%.1f\nwaited_s=%.1f\n", drained_us >= 0 ? (double)drained_us / 1e6 : -1.0,
           (double)(end->t_us - stop->t_us) / 1e6);
    printf("drain_per_s=%.0f\n",
           end->t_us > stop->t_us
               ? (double)(end->done - stop->done) / ((double)(end->t_us - stop->t_us) / 1e6)
               : 0.0);
    if (db_ints(pg, sql_rows, base, rows, 4) == 4) {
        printf("rows=%lld\nrows_distinct_ids=%lld\nrows_failed=%lld\nrows_ignored=%lld\n", rows[0],
               rows[1], rows[2], rows[3]);
    }
    if (verify_rows(pg, base, ld, &ver) == 0) {
        printf("rows_lost=%lld\nrows_duplicated=%lld\nrows_stored_unacked=%lld\nrows_stray=%lld\n",
               ver.lost, ver.dups, ver.unacked, ver.stray);
    }
    free(all.v);
}

static int run_ingest(const struct opts *o)
{
    struct load *ld = calloc(1, sizeof(*ld));
    struct conn *cs = calloc((size_t)o->conns, sizeof(*cs));
    struct sample first = {0}, stop = {0}, end = {0};
    struct cpu cpu_start = {0}, cpu_stop = {0};
    PGconn *pg = NULL;
    char base[24];
    long long b = 0;
    int64_t drained_us, end_us;
    int started = 0, rc = 1;

    if (!ld || !cs) {
        goto out;
    }
    ld->acked = calloc(MAX_SEQ, sizeof(*ld->acked));
    pg = db_open(o->db);
    if (!ld->acked || !pg || db_ints(pg, sql_base, NULL, &b, 1) != 1) {
        goto out;
    }
    snprintf(base, sizeof(base), "%lld", b);
    ld->o = o;
    ld->g = (struct gen){o->pnid, (uint64_t)wall_us() << 1, wall_us() / 1000000, o->phones,
                         LOAD_PREFIX};
    for (int i = 0; i < o->conns; i++) {
        cs[i].ld = ld;
        cs[i].rnd = mix64((uint64_t)i + ld->g.run);
        if (poster_init(&cs[i].p, o->url, o->secret)) {
            goto out;
        }
    }
    if (sample(pg, base, &first)) {
        goto out;
    }
    cpu_read(o, &cpu_start);
    ld->t0_us = mono_us();
    ld->deadline_us = ld->t0_us + (int64_t)o->seconds * 1000000;
    first.t_us = ld->t0_us;
    atomic_store(&ld->running, o->conns);
    for (started = 0; started < o->conns; started++) {
        if (pthread_create(&cs[started].thread, NULL, conn_main, &cs[started]) != 0) {
            atomic_fetch_sub(&ld->running, o->conns - started);
            break;
        }
    }
    monitor(ld, pg, base, &stop, &end, &drained_us, &cpu_stop);
    for (int i = 0; i < started; i++) {
        pthread_join(cs[i].thread, NULL);
    }
    /* the load ended when the last poster returned, before the drain wait */
    end_us = stop.t_us ? stop.t_us : mono_us();
    if (started == o->conns) {
        report_ingest(ld, cs, o->conns, end_us, &first, &stop, &end, drained_us, pg, base);
        cpu_report(&cpu_start, &cpu_stop);
        rc = 0;
    }
out:
    for (int i = 0; cs && i < o->conns; i++) {
        poster_release(&cs[i].p);
        free(cs[i].lat.v);
    }
    if (ld) {
        free(ld->acked);
    }
    free(cs);
    free(ld);
    PQfinish(pg);
    return rc;
}

/* ---- greet -------------------------------------------------------------------- */

struct memb {
    char *p;
    size_t n;
};

static size_t keep(char *p, size_t size, size_t n, void *ud)
{
    struct memb *m = ud;
    char *q = realloc(m->p, m->n + size * n + 1);

    if (!q) {
        return 0;
    }
    memcpy(q + m->n, p, size * n);
    m->p = q;
    m->n += size * n;
    m->p[m->n] = '\0';
    return size * n;
}

/* Fills first_us[i] with the earliest recorded send to greeting phone i.
 * Returns how many phones have one, or -1 when the fake did not answer. */
static int greetings_seen(CURL *curl, const char *fake, int count, int64_t *first_us)
{
    struct memb m = {NULL, 0};
    char url[512];
    int seen = 0;
    long code = 0;

    snprintf(url, sizeof(url), "%s/_control/requests?route=whatsapp", fake);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &m);
    if (curl_easy_perform(curl) != CURLE_OK ||
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != 200) {
        free(m.p);
        return -1;
    }
    for (char *line = m.p, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        json_t *rec, *body;
        const char *to;
        nl = strchr(line, '\n');
        rec = json_loadb(line, nl ? (size_t)(nl - line) : strlen(line), 0, NULL);
        body = json_object_get(rec, "body");
        to = json_string_value(json_object_get(body, "to"));
        if (to && to[0] == '+') {
            to++;
        }
        if (to && strlen(to) == 12 && strncmp(to, GREET_PREFIX, 5) == 0) {
            long idx = strtol(to + 5, NULL, 10);
            int64_t at = (int64_t)json_integer_value(json_object_get(rec, "received_us"));
            if (idx >= 0 && idx < count && at > 0 && (!first_us[idx] || at < first_us[idx])) {
                first_us[idx] = at;
            }
        }
        json_decref(rec);
    }
    for (int i = 0; i < count; i++) {
        seen += first_us[i] != 0;
    }
    free(m.p);
    return seen;
}

static int run_greet(const struct opts *o)
{
    struct gen g = {o->pnid, ((uint64_t)wall_us() << 1) | 1, wall_us() / 1000000, o->count,
                    GREET_PREFIX};
    struct poster p;
    int64_t *ack_us = calloc((size_t)o->count, sizeof(int64_t));
    int64_t *first_us = calloc((size_t)o->count, sizeof(int64_t));
    uint32_t *lat = calloc((size_t)o->count, sizeof(uint32_t));
    CURL *ctl = curl_easy_init();
    char body[BODY_CAP];
    int64_t t0, deadline;
    int acked = 0, seen = 0, n = 0, rc = 1, missing = 0;

    if (!ack_us || !first_us || !lat || !ctl || poster_init(&p, o->url, o->secret)) {
        goto out;
    }
    t0 = mono_us();
    for (int i = 0; i < o->count; i++) {
        size_t len = make_body(&g, (uint32_t)i, (uint32_t)i, body, sizeof(body));
        sleep_us(t0 + (int64_t)i * 1000000 / o->rate - mono_us());
        long code = poster_post(&p, body, len);
        if (code >= 200 && code < 300) {
            ack_us[i] = wall_us();
            acked++;
        }
    }
    curl_easy_setopt(ctl, CURLOPT_TIMEOUT_MS, 10000L);
    deadline = mono_us() + (int64_t)o->wait_s * 1000000;
    for (;;) {
        memset(first_us, 0, (size_t)o->count * sizeof(int64_t));
        seen = greetings_seen(ctl, o->fake, o->count, first_us);
        if (seen >= acked || mono_us() >= deadline) {
            break;
        }
        sleep_us(250000);
    }
    for (int i = 0; i < o->count; i++) {
        if (!ack_us[i]) {
            continue;
        }
        if (!first_us[i]) {
            missing++;
            continue;
        }
        lat[n++] = (uint32_t)(first_us[i] > ack_us[i] ? first_us[i] - ack_us[i] : 0);
    }
    qsort(lat, (size_t)n, sizeof(*lat), cmp_u32);
    printf("greet_leads=%d\ngreet_acked=%d\ngreet_seen=%d\ngreet_missing=%d\n", o->count, acked, n,
           missing);
    printf("greet_p50_ms=%.1f\ngreet_p99_ms=%.1f\ngreet_max_ms=%.1f\n", pct_ms(lat, (size_t)n, 0.5),
           pct_ms(lat, (size_t)n, 0.99), n ? (double)lat[n - 1] / 1000.0 : 0.0);
    rc = 0;
    poster_release(&p);
out:
    curl_easy_cleanup(ctl);
    free(ack_us);
    free(first_us);
    free(lat);
    return rc;
}

/* ---- main ------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr, "usage: loadgen ingest --url URL --secret S --db CONNINFO [--seconds N]"
                    " [--conns N] [--phones N] [--repeat-pct N] [--drain-max S] [--pnid ID]"
                    " [--pid PID] [--pg-pid PID]\n"
                    "       loadgen greet --url URL --secret S --fake URL [--count N]"
                    " [--rate N] [--wait S] [--pnid ID]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    struct {
        const char *name;
        const char **s;
        int *i;
        int lo, hi;
    } table[] = {
        {"--url", &o->url, NULL, 0, 0},
        {"--secret", &o->secret, NULL, 0, 0},
        {"--db", &o->db, NULL, 0, 0},
        {"--fake", &o->fake, NULL, 0, 0},
        {"--pnid", &o->pnid, NULL, 0, 0},
        {"--seconds", NULL, &o->seconds, 1, MAX_SECONDS},
        {"--conns", NULL, &o->conns, 1, MAX_CONNS},
        {"--phones", NULL, &o->phones, 1, 10000000},
        {"--repeat-pct", NULL, &o->repeat_pct, 0, 90},
        {"--drain-max", NULL, &o->drain_max, 0, 3600},
        {"--count", NULL, &o->count, 1, 10000000},
        {"--rate", NULL, &o->rate, 1, 100000},
        {"--wait", NULL, &o->wait_s, 0, 3600},
        {"--pid", NULL, &o->pid, 0, 1 << 30},
        {"--pg-pid", NULL, &o->pg_pid, 0, 1 << 30},
    };
    size_t k;

    *o = (struct opts){NULL, NULL, NULL, NULL, NULL, "110200300400500", 20, 8, 5000, 10,
                       60,   200,  20,   30,   0};
    if (argc < 2) {
        return -1;
    }
    o->mode = argv[1];
    for (int a = 2; a < argc; a += 2) {
        for (k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
            if (strcmp(argv[a], table[k].name) == 0) {
                break;
            }
        }
        if (k == sizeof(table) / sizeof(table[0]) || a + 1 >= argc) {
            return -1;
        }
        if (table[k].s) {
            *table[k].s = argv[a + 1];
        } else {
            char *end;
            long v = strtol(argv[a + 1], &end, 10);
            if (*end || v < table[k].lo || v > table[k].hi) {
                return -1;
            }
            *table[k].i = (int)v;
        }
    }
    return o->url && o->secret ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    int rc;

    if (parse_args(argc, argv, &o)) {
        return usage();
    }
    if (strcmp(o.mode, "ingest") != 0 && strcmp(o.mode, "greet") != 0) {
        return usage();
    }
    if ((strcmp(o.mode, "ingest") == 0 && !o.db) || (strcmp(o.mode, "greet") == 0 && !o.fake)) {
        return usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = strcmp(o.mode, "ingest") == 0 ? run_ingest(&o) : run_greet(&o);
    curl_global_cleanup();
    return rc;
}
