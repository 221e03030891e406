/*
 * embedded_pg.c - the PostgreSQL cluster `make run` starts for a clone.
 *
 * The cluster normally lives in <home>/var: pg/ (data), run/ (the socket),
 * pg.log and initdb.log. PostgreSQL refuses to run as root, so when we are
 * root it runs as the unprivileged user "rabta". That user cannot reach a
 * clone under a private folder (root's home is mode 700, a user's home often
 * 750), and a unix socket path is limited to 107 bytes. In either case the
 * cluster's files go to /var/lib/rabta/<hash of the clone's path>/, owned by
 * "rabta", and var/pg, var/run, var/pg.log and var/initdb.log are symbolic
 * links to them, so var/ still shows where everything is. Nobody's home
 * folder has its mode changed.
 *
 * Every failure says what failed and shows the end of the log that says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/setup.h"
#include "core/err.h"
#include "core/str.h"

#define PG_USER "rabta"
#define OUTSIDE_BASE "/var/lib/rabta"

struct pg_place {
    char var[PATH_MAX];   /* <home>/var */
    char state[PATH_MAX]; /* the folder holding pg/, run/ and the logs */
    char data[PATH_MAX + 64], run[PATH_MAX + 64], log[PATH_MAX + 64], initlog[PATH_MAX + 64],
        ctllog[PATH_MAX + 64];
    bool outside;    /* state is under OUTSIDE_BASE */
    const char *why; /* why outside, when it is */
};

static char *abs_path(const char *p)
{
    char *r = realpath(p, NULL);

    return r ? r : rb_strdup(p);
}

/* The PostgreSQL server binaries: $PG_BINDIR, Debian's versioned dir, or PATH
 * (then out is ""). */
static void pg_bindir(char *out, size_t n)
{
    const char *env = getenv("PG_BINDIR");
    glob_t g;

    if (env && env[0]) {
        snprintf(out, n, "%s/", env);
        return;
    }
    out[0] = '\0';
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0 && g.gl_pathc) {
        snprintf(out, n, "%.*s", (int)(strlen(g.gl_pathv[g.gl_pathc - 1]) - 6),
                 g.gl_pathv[g.gl_pathc - 1]);
    }
    globfree(&g);
}

/* Prints the last lines of a log file, or says that there is none. */
static void show_tail(const char *what, const char *path)
{
    char buf[2048];
    FILE *f = fopen(path, "r");
    long size, from;
    size_t n;
    const char *p;
    int lines = 0;

    if (!f) {
        fprintf(stderr, "rabta: (no %s at %s: %s)\n", what, path, strerror(errno));
        return;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    from = size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0;
    fseek(f, from, SEEK_SET);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        buf[--n] = '\0';
    }
    if (n == 0) {
        fprintf(stderr, "rabta: (%s %s is empty)\n", what, path);
        return;
    }
    p = buf + n;
    while (p > buf && lines < 12) {
        p--;
        if (*p == '\n') {
            lines++;
        }
    }
    if (*p == '\n') {
        p++;
    }
    fprintf(stderr, "rabta: the end of %s (%s):\n", what, path);
    for (const char *l = p; *l;) {
        const char *e = strchr(l, '\n');
        int len = e ? (int)(e - l) : (int)strlen(l);
        fprintf(stderr, "  | %.*s\n", len, l);
        l = e ? e + 1 : l + len;
    }
}

/*
 * Runs argv with stdin from /dev/null and stdout and stderr to out (a file
 * opened by us, so it need not be writable by the cluster's user; truncated
 * when trunc), from "/" and as PG_USER when we are root. Returns the exit
 * status, 127 when the program could not be run, -1 when we could not fork.
 */
static int run_pg(const char *const *argv, const char *out, bool trunc)
{
    const char *full[24];
    size_t n = 0;
    pid_t pid;
    int status;

    if (geteuid() == 0) {
        full[n++] = "runuser";
        full[n++] = "-u";
        full[n++] = PG_USER;
        full[n++] = "--";
    }
    for (size_t i = 0; argv[i] && n < 23; i++) {
        full[n++] = argv[i];
    }
    full[n] = NULL;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int fd = open(out ? out : "/dev/null",
                      O_WRONLY | O_CREAT | (trunc ? O_TRUNC : O_APPEND) | O_CLOEXEC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (fd < 0 || in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ||
            chdir("/") != 0) {
            _exit(126);
        }
        execvp(full[0], (char *const *)full);
        fprintf(stderr, "could not run %s: %s\n", full[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs a short command quietly (not as PG_USER); its exit status. */
static int run_plain(const char *const *argv)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

static int ensure_pg_user(void)
{
    const char *id[] = {"id", "-u", PG_USER, NULL};
    const char *add[] = {"useradd",           "--system",     "--no-create-home",
                         "--home-dir",        "/nonexistent", "--shell",
                         "/usr/sbin/nologin", PG_USER,        NULL};

    if (geteuid() != 0 || run_plain(id) == 0) {
        return RB_OK;
    }
    if (run_plain(add) != 0) {
        fprintf(stderr,
                "rabta: PostgreSQL refuses to run as root, and the user \"%s\" to run it "
                "could not be created (useradd failed)\n",
                PG_USER);
        return RB_EINTERNAL;
    }
    return RB_OK;
}

/* Whether PG_USER can go through every folder down to dir (always when we are
 * not root: then we are that user). */
static bool pg_user_reaches(const char *dir)
{
    const char *t[] = {"test", "-x", dir, NULL};

    return geteuid() != 0 || run_pg(t, NULL, false) == 0;
}

static bool socket_fits(const char *run)
{
    struct sockaddr_un sa;

    return strlen(run) + strlen("/.s.PGSQL.5432") < sizeof(sa.sun_path);
}

static void fill_paths(struct pg_place *pl)
{
    const char *d = pl->outside ? pl->state : pl->var;

    snprintf(pl->data, sizeof(pl->data), "%s/pg", d);
    snprintf(pl->run, sizeof(pl->run), "%s/run", d);
    snprintf(pl->log, sizeof(pl->log), "%s/pg.log", d);
    snprintf(pl->initlog, sizeof(pl->initlog), "%s/initdb.log", d);
    snprintf(pl->ctllog, sizeof(pl->ctllog), "%s/pg_ctl.log", d);
}

/* Where the cluster of home is, without creating anything: var/pg a symbolic
 * link means outside (its target's folder). */
static void place_find(const char *home, struct pg_place *pl)
{
    char link[PATH_MAX + 64], target[PATH_MAX];
    ssize_t n;

    memset(pl, 0, sizeof(*pl));
    snprintf(pl->var, sizeof(pl->var), "%s/var", home);
    snprintf(pl->state, sizeof(pl->state), "%s", pl->var);
    snprintf(link, sizeof(link), "%s/pg", pl->var);
    n = readlink(link, target, sizeof(target) - 1);
    if (n > 0) {
        target[n] = '\0';
        char *slash = strrchr(target, '/');
        if (slash && slash != target) {
            *slash = '\0';
        }
        snprintf(pl->state, sizeof(pl->state), "%s", target);
        pl->outside = true;
    }
    fill_paths(pl);
}

static int make_link(const char *target, const char *var, const char *name)
{
    char path[PATH_MAX + 64];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", var, name);
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            unlink(path);
        } else if (S_ISDIR(st.st_mode)) {
            if (rmdir(path) != 0) {
                fprintf(stderr,
                        "rabta: %s is a folder that is not empty, but the cluster "
                        "has to live in %s (user \"%s\" cannot reach %s); move %s away\n",
                        path, target, PG_USER, var, path);
                return RB_ECONFLICT;
            }
        } else {
            unlink(path);
        }
    }
    if (symlink(target, path) != 0) {
        fprintf(stderr, "rabta: cannot link %s to %s: %s\n", path, target, strerror(errno));
        return RB_EINTERNAL;
    }
    return RB_OK;
}

static int chown_pg(const char *path)
{
    const char *c[] = {"chown", PG_USER, path, NULL};

    if (geteuid() == 0 && run_plain(c) != 0) {
        fprintf(stderr, "rabta: cannot give %s to user \"%s\" (chown failed)\n", path, PG_USER);
        return RB_EINTERNAL;
    }
    return RB_OK;
}

static int mkdir_p1(const char *path, mode_t mode)
{
    if (mkdir(path, mode) != 0 && errno != EEXIST) {
        fprintf(stderr, "rabta: cannot create %s: %s\n", path, strerror(errno));
        return RB_EINTERNAL;
    }
    return RB_OK;
}

/* Decides and prepares where the cluster of home lives (see the top). */
static int place_prepare(const char *home, struct pg_place *pl)
{
    char pgver[PATH_MAX + 64], f[PATH_MAX + 64];
    struct stat st;
    int rc;

    place_find(home, pl);
    rc = mkdir_p1(pl->var, 0755);
    rc = rc ? rc : ensure_pg_user();
    if (rc) {
        return rc;
    }
    snprintf(pgver, sizeof(pgver), "%s/pg/PG_VERSION", pl->var);
    if (!pl->outside && geteuid() == 0 && stat(pgver, &st) != 0 &&
        (!pg_user_reaches(pl->var) || !socket_fits(pl->run))) {
        pl->outside = true;
        pl->why = socket_fits(pl->run) ? "user \"" PG_USER "\" cannot reach the clone"
                                       : "the clone's path is too long for a socket";
        rc = mkdir_p1(OUTSIDE_BASE, 0755);
        snprintf(pl->state, sizeof(pl->state), "%s/%016llx", OUTSIDE_BASE,
                 (unsigned long long)fnv1a(home));
        fill_paths(pl);
        rc = rc ? rc : make_link(pl->data, pl->var, "pg");
        rc = rc ? rc : make_link(pl->run, pl->var, "run");
        rc = rc ? rc : make_link(pl->log, pl->var, "pg.log");
        rc = rc ? rc : make_link(pl->initlog, pl->var, "initdb.log");
        if (rc) {
            return rc;
        }
    } else if (!pl->outside && !socket_fits(pl->run)) {
        fprintf(stderr,
                "rabta: the folder %s is too deep for PostgreSQL's socket (%s/.s.PGSQL.5432 "
                "is over %zu bytes); clone Rabta into a shorter path or set DATABASE_URL\n",
                pl->var, pl->run, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
        return RB_EINVAL;
    }
    if (pl->outside) {
        rc = mkdir_p1(pl->state, 0700);
        rc = rc ? rc : chown_pg(pl->state);
        if (!rc) {
            FILE *w;
            snprintf(f, sizeof(f), "%s/clone", pl->state);
            w = fopen(f, "w");
            if (w) {
                fprintf(w, "%s\n", home);
                fclose(w);
            }
        }
    } else {
        rc = chown_pg(pl->var);
    }
    rc = rc ? rc : mkdir_p1(pl->data, 0700);
    rc = rc ? rc : chown_pg(pl->data);
    rc = rc ? rc : mkdir_p1(pl->run, 0755);
    rc = rc ? rc : chown_pg(pl->run);
    return rc;
}

static int check_programs(const char *bin)
{
    char p[600];

    if (!bin[0]) {
        return RB_OK; /* from PATH: run_pg says when it is missing */
    }
    snprintf(p, sizeof(p), "%sinitdb", bin);
    if (access(p, X_OK) != 0) {
        fprintf(stderr,
                "rabta: PostgreSQL's server programs are not in %s (no %s: %s); install "
                "them with `make deps` or set PG_BINDIR\n",
                bin, p, strerror(errno));
        return RB_ENOTFOUND;
    }
    return RB_OK;
}

static int pg_initdb(const char *bin, struct pg_place *pl)
{
    char prog[600];
    const char *argv[] = {prog, "-D",   pl->data,           "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--locale=C.UTF-8", NULL};
    int st;

    snprintf(prog, sizeof(prog), "%sinitdb", bin);
    fprintf(stderr, "rabta: creating the embedded PostgreSQL cluster in %s%s%s%s\n", pl->data,
            pl->why ? " (linked from var/pg: " : "", pl->why ? pl->why : "", pl->why ? ")" : "");
    st = run_pg(argv, pl->initlog, true);
    if (st != 0) {
        fprintf(stderr, "rabta: initdb failed (%s %d) creating %s%s\n",
                st == 127 ? "program not found, status" : "exit status", st, pl->data,
                geteuid() == 0 ? " as user \"" PG_USER "\"" : "");
        show_tail("initdb's output", pl->initlog);
        return RB_EINTERNAL;
    }
    return RB_OK;
}

static int pg_running(const char *bin, struct pg_place *pl)
{
    char prog[600];
    const char *argv[] = {prog, "-D", pl->data, "status", NULL};

    snprintf(prog, sizeof(prog), "%spg_ctl", bin);
    return run_pg(argv, NULL, false) == 0;
}

static int pg_start(const char *bin, struct pg_place *pl)
{
    char prog[600], opts[PATH_MAX + 160];
    const char *argv[] = {prog, "-D", pl->data, "-l", pl->log, "-w",
                          "-t", "60", "-o",     opts, "start", NULL};
    int st;

    if (strchr(pl->run, '\'') || strchr(pl->run, '"') || strchr(pl->run, '\\')) {
        fprintf(stderr,
                "rabta: the path %s holds a quote or a backslash, which PostgreSQL's "
                "options cannot carry; clone Rabta elsewhere or set DATABASE_URL\n",
                pl->run);
        return RB_EINVAL;
    }
    snprintf(prog, sizeof(prog), "%spg_ctl", bin);
    snprintf(opts, sizeof(opts), "-c listen_addresses= -c unix_socket_directories='%s'", pl->run);
    st = run_pg(argv, pl->ctllog, true);
    if (st != 0) {
        fprintf(stderr, "rabta: could not start the embedded PostgreSQL in %s (pg_ctl %s %d)\n",
                pl->data, st == 127 ? "not found, status" : "exit status", st);
        show_tail("pg_ctl's output", pl->ctllog);
        show_tail("the server log", pl->log);
        return RB_EINTERNAL;
    }
    return RB_OK;
}

int embedded_pg_start(const char *home, char **conninfo)
{
    char *h = abs_path(home);
    char bin[512], pgver[PATH_MAX + 128], ci[PATH_MAX + 128];
    struct pg_place pl;
    struct stat st;
    int rc;

    pg_bindir(bin, sizeof(bin));
    rc = check_programs(bin);
    rc = rc ? rc : place_prepare(h, &pl);
    snprintf(pgver, sizeof(pgver), "%s/PG_VERSION", pl.data);
    if (!rc && stat(pgver, &st) != 0) {
        rc = pg_initdb(bin, &pl);
    }
    if (!rc && !pg_running(bin, &pl)) {
        rc = pg_start(bin, &pl);
    }
    if (!rc) {
        snprintf(ci, sizeof(ci), "host=%s dbname=rabta user=postgres", pl.run);
        *conninfo = rb_strdup(ci);
        rc = *conninfo ? RB_OK : RB_ENOMEM;
        fprintf(stderr,
                "rabta: embedded PostgreSQL at %s (socket in %s); stop it with `make stop`\n",
                pl.data, pl.run);
    }
    free(h);
    return rc;
}

int embedded_pg_stop(const char *home)
{
    char *h = abs_path(home);
    char bin[512], prog[600], pid[PATH_MAX + 128];
    struct pg_place pl;
    struct stat st;
    int rc = RB_OK;

    pg_bindir(bin, sizeof(bin));
    place_find(h, &pl);
    snprintf(prog, sizeof(prog), "%spg_ctl", bin);
    snprintf(pid, sizeof(pid), "%s/postmaster.pid", pl.data);
    if (stat(pid, &st) == 0) {
        const char *argv[] = {prog, "-D", pl.data, "-m", "fast", "-w", "stop", NULL};
        int s = run_pg(argv, pl.ctllog, true);
        if (s != 0) {
            fprintf(stderr, "rabta: pg_ctl stop failed for %s (exit status %d)\n", pl.data, s);
            show_tail("pg_ctl's output", pl.ctllog);
            rc = RB_EINTERNAL;
        }
    }
    free(h);
    return rc;
}
