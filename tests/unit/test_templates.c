/* links: app/config app/templates */
/*
 * Template declarations ([templates] in rabta.conf) and the sender's
 * ordering of named values by them; the shipped config/rabta.conf checked.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/config.h"
#include "app/templates.h"

/* A config from text (written to a temp file); NULL when it does not load,
 * with the errors in err. */
static struct config *conf_from(const char *text, struct buf *err)
{
    char path[] = "/tmp/rabta-test-templates-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    struct config *c = NULL;

    if (!f) {
        return NULL;
    }
    fprintf(f, "[hall]\nname = Grand Hall\n%s", text);
    fclose(f);
    if (config_load(path, &c, err) != RB_OK) {
        c = NULL;
    }
    unlink(path);
    return c;
}

static const char declared[] = "[templates]\n"
                               "lead_greeting = ur: client_name, venue\n"
                               "staff_update = en_US: text\n"
                               "client_followup = ur: venue, client_name\n";

TEST(values_go_in_declared_order)
{
    struct buf err, why;
    struct config *c;
    json_t *v = template_params("venue", "Shalimar Banquets", "client_name", "Ayesha Khan",
                                "staff_name", "Bilal Ahmed", NULL);
    json_t *out = NULL;
    const char *lang = NULL;

    buf_init(&err, 1 << 16);
    buf_init(&why, 1024);
    c = conf_from(declared, &err);
    CHECK(c != NULL);
    CHECK_STR(err.p, "");
    if (c) {
        CHECK_INT(templates_order(c, "lead_greeting", v, &out, &lang, &why), RB_OK);
        CHECK_INT((int)json_array_size(out), 2);
        CHECK_STR(json_string_value(json_array_get(out, 0)), "Ayesha Khan");
        CHECK_STR(json_string_value(json_array_get(out, 1)), "Shalimar Banquets");
        CHECK_STR(lang, "ur");
        json_decref(out);
        CHECK_INT(templates_order(c, "client_followup", v, &out, &lang, &why), RB_OK);
        CHECK_STR(json_string_value(json_array_get(out, 0)), "Shalimar Banquets");
        CHECK_STR(json_string_value(json_array_get(out, 1)), "Ayesha Khan");
        json_decref(out);
    }
    config_free(c);
    json_decref(v);
    buf_release(&err);
    buf_release(&why);
}

TEST(missing_value_undeclared_and_old_arrays)
{
    struct buf err, why;
    struct config *c;
    json_t *v = template_params("venue", "Shalimar Banquets", "client_name", "", NULL);
    json_t *arr = json_pack("[s, s]", "a", "b"), *out = NULL;
    const char *lang = "x";

    buf_init(&err, 1 << 16);
    buf_init(&why, 1024);
    c = conf_from(declared, &err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(templates_order(c, "lead_greeting", v, &out, &lang, &why), RB_EINVAL);
        CHECK(strstr(why.p, "{{1}} client_name") != NULL);
        CHECK(out == NULL);
        buf_reset(&why);
        CHECK_INT(templates_order(c, "welcome_v2", v, &out, &lang, &why), RB_ENOTFOUND);
        CHECK(strstr(why.p, "welcome_v2 is not declared") != NULL);
        CHECK_INT(templates_order(c, "lead_greeting", arr, &out, &lang, &why), RB_OK);
        CHECK(json_equal(out, arr));
        CHECK(lang == NULL);
        json_decref(out);
    }
    config_free(c);
    json_decref(v);
    json_decref(arr);
    buf_release(&err);
    buf_release(&why);
}

TEST(check_refuses_unknown_parameters_and_undeclared_uses)
{
    struct buf err;
    struct config *c;

    buf_init(&err, 1 << 16);
    c = conf_from("[templates]\nlead_greeting = ur: client_name, guest_count\n"
                  "staff_update = ur: text\nclient_followup = ur\n",
                  &err);
    CHECK(c == NULL);
    CHECK(strstr(err.p, ":4: template lead_greeting: parameter \"guest_count\"") != NULL);
    CHECK(strstr(err.p, ":6: template client_followup: expected") != NULL);
    CHECK(strstr(err.p, "client_followup is not declared") != NULL);
    config_free(c);
    buf_release(&err);
}

TEST(shipped_config_declares_every_template_sent)
{
    struct buf err;
    struct config *c = NULL;

    buf_init(&err, 1 << 16);
    CHECK_INT(config_load("config/rabta.conf", &c, &err), RB_OK);
    CHECK_STR(err.p, "");
    if (c) {
        CHECK(config_find_template(c, c->greeting_template) != NULL);
        CHECK(config_find_template(c, c->notify_template) != NULL);
        CHECK(config_find_template(c, c->reengage_template) != NULL);
    }
    config_free(c);
    buf_release(&err);
}

int main(void)
{
    RUN(values_go_in_declared_order);
    RUN(missing_value_undeclared_and_old_arrays);
    RUN(check_refuses_unknown_parameters_and_undeclared_uses);
    RUN(shipped_config_declares_every_template_sent);
    return harness_done();
}
