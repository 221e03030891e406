/*
 * staff.c - `rabta staff add|list|away|back`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "nlu/values.h"
#include "store/db.h"
#include "store/staff.h"

static int staff_add(struct app *app, struct dbconn *c, int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, 0, 'n'},
                                         {"phone", required_argument, 0, 'p'},
                                         {"role", required_argument, 0, 'r'},
                                         {"lang", required_argument, 0, 'l'},
                                         {0, 0, 0, 0}};
    const char *name = NULL, *phone = NULL, *role = NULL, *lang = "ur";
    char e164[20];
    int64_t id = 0;
    int o, rc;

    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        name = o == 'n' ? optarg : name;
        phone = o == 'p' ? optarg : phone;
        role = o == 'r' ? optarg : role;
        lang = o == 'l' ? optarg : lang;
    }
    if (!name || !phone || !role) {
        fprintf(stderr, "usage: rabta staff add --name NAME --phone PHONE "
                        "--role sales|owner|finance|admin [--lang ur|roman_ur|en]\n");
        return 2;
    }
    if (value_phone(str_from(phone), app->snap->config->country_code, e164)) {
        fprintf(stderr, "rabta: \"%s\" is not a phone number\n", phone);
        return 2;
    }
    rc = store_staff_upsert(c, app->venue_id, name, e164, role, lang, &id);
    if (rc == RB_EINVAL) {
        fprintf(stderr, "rabta: role must be sales, owner, finance or admin; lang ur, roman_ur or "
                        "en\n");
    } else if (rc) {
        fprintf(stderr, "rabta: %s\n", rb_strerror(rc));
    } else {
        printf("staff #%lld %s %s (%s)\n", (long long)id, name, e164, role);
    }
    return rc ? 1 : 0;
}

static int staff_list(struct app *app, struct dbconn *c)
{
    struct store_staff *v = NULL;
    int n = 0;
    int rc = store_staff_list(c, app->venue_id, &v, &n);

    if (rc) {
        fprintf(stderr, "rabta: %s\n", rb_strerror(rc));
        return 1;
    }
    printf("%-4s %-20s %-15s %-8s %-9s %s\n", "id", "name", "phone", "role", "lang", "state");
    for (int i = 0; i < n; i++) {
        printf("%-4lld %-20s %-15s %-8s %-9s %s\n", (long long)v[i].id, v[i].name, v[i].phone,
               v[i].role, v[i].lang,
               !v[i].active ? "inactive"
               : v[i].away  ? "away"
                            : "active");
    }
    store_staff_free(v, n);
    return 0;
}

static int staff_away(struct app *app, struct dbconn *c, const char *name, bool away)
{
    bool found = false;
    int rc = store_staff_set_away(c, app->venue_id, name, away, &found);

    if (!rc && !found) {
        fprintf(stderr, "rabta: no staff member named \"%s\"\n", name);
        rc = RB_ENOTFOUND;
    } else if (!rc) {
        printf("%s is %s\n", name, away ? "away (no new leads)" : "back");
    }
    return rc ? 1 : 0;
}

int cmd_staff(int argc, char **argv)
{
    struct app app;
    struct dbconn *c = NULL;
    int rc;

    if (argc < 2) {
        fprintf(stderr, "usage: rabta staff add|list|away NAME|back NAME\n");
        return 2;
    }
    rc = setup_app(&app, SETUP_STORE | SETUP_MIGRATE | SETUP_SEED);
    if (!rc) {
        rc = db_acquire(app.db, 5000, &c) ? 1 : 0;
    }
    if (!rc && strcmp(argv[1], "add") == 0) {
        rc = staff_add(&app, c, argc - 1, argv + 1);
    } else if (!rc && strcmp(argv[1], "list") == 0) {
        rc = staff_list(&app, c);
    } else if (!rc && argc > 2 && (strcmp(argv[1], "away") == 0 || strcmp(argv[1], "back") == 0)) {
        rc = staff_away(&app, c, argv[2], strcmp(argv[1], "away") == 0);
    } else if (!rc) {
        fprintf(stderr, "usage: rabta staff add|list|away NAME|back NAME\n");
        rc = 2;
    }
    if (app.db) {
        db_release(app.db, c);
    }
    setup_release(&app);
    return rc;
}
