/*
 * Staff of the branch (a manager) or the chain (HQ): the list, narrowed by
 * what is typed (id, name, branch, role), a new staff member, a new
 * password, and disabling an account after a confirmation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "xmalloc.h"

struct staff_view {
	struct ui	*ui;
	struct listbox	 lb;
	json_t		*items;
	uint32_t	 call;
	char		 err[256];
	int		 loading;
	char		 old_pw[TEXT_MAX];	/* changing one's own password */
};

static const struct choice role_choices[] = {
	{ "clerk", N_("Clerk") },
	{ "manager", N_("Branch manager") },
	{ "hq_admin", N_("HQ admin") },
	{ "support", N_("Support") },
	{ NULL, NULL }
};

static const struct field_def staff_fields[] = {
	{ "id", N_("Staff id"), FT_TEXT, 1, NULL, N_("used to log in"), 0, 0, NULL },
	{ "name", N_("Name"), FT_TEXT, 1, NULL, NULL, 0, 0, NULL },
	{ "role", N_("Role"), FT_CHOICE, 1, role_choices, NULL, 0, 0, NULL },
	{ "branch", N_("Branch"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "password", N_("Password"), FT_PASSWORD, 1, NULL,
	    N_("8+ chars or 6-digit PIN"), 0, 0, NULL },
};

static const struct column staff_cols[] = {
	{ N_("Staff id"), 10, 0, 0 },
	{ N_("Name"), 14, 0, 2 },
	{ N_("Role"), 14, 0, 0 },
	{ N_("Branch"), 8, 0, 0 },
	{ N_("Last login"), 10, 0, 0 },
	{ N_("Status"), 0, 0, 1 },
};

static void	staff_load(struct staff_view *);

static const char *
staff_status(json_t *st)
{
	if (jbool(st, "disabled"))
		return _("disabled");
	if (jbool(st, "locked"))
		return _("locked");
	return _("active");
}

static void
staff_row(struct ui *ui, void *arg, int i, int y, int x, const int *w, int attr)
{
	struct staff_view	*v = arg;
	json_t			*st = json_array_get(v->items, (size_t)i);
	char			 date[32];
	const char		*status = staff_status(st);

	ui_date(jint(st, "last_login"), date, sizeof date);
	listbox_cell(ui, &v->lb, y, x, 0, jstr(st, "id"), attr);
	listbox_cell(ui, &v->lb, y, x, 1, jstr(st, "name"), attr);
	listbox_cell(ui, &v->lb, y, x, 2,
	    choice_label(role_choices, jstr(st, "role")), attr);
	listbox_cell(ui, &v->lb, y, x, 3, jstr(st, "branch"), attr);
	listbox_cell(ui, &v->lb, y, x, 4, date, attr);
	listbox_cell(ui, &v->lb, y, x, 5, status, attr ? attr :
	    strcmp(status, _("active")) != 0 ? ui_attr(ui, UA_ERROR) : 0);
}

/* What the filter looks in: the id, name, branch, role and status. */
static int
staff_texts(void *arg, int i, const char *texts[LISTBOX_TEXTS])
{
	struct staff_view	*v = arg;
	json_t			*st = json_array_get(v->items, (size_t)i);

	texts[0] = jstr(st, "id");
	texts[1] = jstr(st, "name");
	texts[2] = jstr(st, "branch");
	texts[3] = jstr(st, "role");
	texts[4] = choice_label(role_choices, jstr(st, "role"));
	texts[5] = staff_status(st);
	return 6;
}

static void
staff_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct staff_view	*v = s->data;

	ui_put(ui, y, 1, w - 2, _("Staff"), ui_attr(ui, UA_TITLE));
	listbox_filter_draw(ui, &v->lb, y + 2, 1, w - 2,
	    _("type an id, name, branch or role"), ui->top == s);
	v->lb.empty = v->err[0] ? v->err : v->loading ? _("loading…") :
	    _("No staff.");
	listbox_draw(ui, &v->lb, y + 4, 1, h - 4, w - 2);
}

static void
staff_loaded(json_t *res, const struct client_err *err, void *arg)
{
	struct staff_view	*v = arg;

	ui_call_done(v->ui);
	v->call = 0;
	v->loading = 0;
	if (res == NULL) {
		snprintf(v->err, sizeof v->err, "%s", client_err_text(err));
		return;
	}
	v->err[0] = '\0';
	json_decref(v->items);
	v->items = json_incref(json_object_get(res, "items"));
	listbox_set_count(&v->lb, (int)json_array_size(v->items));
}

static void
staff_load(struct staff_view *v)
{
	json_t	*p;

	if (v->call != 0) {	/* an older answer may predate a change */
		client_cancel(v->ui->client, v->call);
		ui_call_done(v->ui);
	}
	v->loading = 1;
	p = json_pack("{s:b}", "include_disabled", 1);
	v->call = ui_call_async(v->ui, "staff.list", p, staff_loaded, v);
	json_decref(p);
}

static json_t *
staff_create_params(struct form *f, void *arg)
{
	return form_json(f, 0);
}

static void
staff_new(struct ui *ui, struct staff_view *v)
{
	struct form	*f = form_create(_("New staff member"), staff_fields,
			    (int)(sizeof staff_fields / sizeof staff_fields[0]));

	form_set(f, "branch", ui->branch);
	form_screen_push(ui, f, "staff.create", staff_create_params, NULL, v);
}

static json_t *
staff_selected(struct staff_view *v)
{
	int	i = listbox_item(&v->lb);

	return i >= 0 ? json_array_get(v->items, (size_t)i) : NULL;
}

/* Blocking: a short write, with "working…" shown. */
static void
staff_simple_call(struct ui *ui, struct staff_view *v, const char *method,
    json_t *p, const char *ok)
{
	struct client_err	 err;
	json_t			*res = ui_call(ui, method, p, &err);

	if (res == NULL)
		ui_msg(ui, 1, "%s", client_err_text(&err));
	else
		ui_msg(ui, 0, ok, jstr(p, "id"));
	json_decref(res);
	staff_load(v);
}

static void
staff_disable_yes(struct ui *ui, void *arg)
{
	struct staff_view	*v = arg;
	json_t			*p = json_pack("{s:s}", "id",
				    jstr(staff_selected(v), "id"));

	staff_simple_call(ui, v, "staff.disable", p, _("Staff %s disabled."));
	json_decref(p);
}

static void
staff_password_set(struct ui *ui, const char *pw, void *arg)
{
	struct staff_view	*v = arg;
	json_t			*p;

	if (*pw == '\0')
		return;
	p = json_pack("{s:s, s:s}", "id", jstr(staff_selected(v), "id"),
	    "password", pw);
	if (v->old_pw[0] != '\0')
		json_object_set_new(p, "old_password", json_string(v->old_pw));
	explicit_bzero(v->old_pw, sizeof v->old_pw);
	staff_simple_call(ui, v, "staff.set_password", p,
	    _("New password set for %s."));
	json_decref(p);
}

/* One's own password needs the current one first. */
static void
staff_password_old(struct ui *ui, const char *pw, void *arg)
{
	struct staff_view	*v = arg;

	if (*pw == '\0')
		return;
	snprintf(v->old_pw, sizeof v->old_pw, "%s", pw);
	ui_prompt(ui, _("Set password"), _("New password"), 1,
	    staff_password_set, v);
}

static int
staff_key(struct ui *ui, struct screen *s, enum action a, wint_t ch, int fkey)
{
	struct staff_view	*v = s->data;
	json_t			*st = staff_selected(v);
	char			 q[512];

	if (listbox_key(&v->lb, a))
		return 1;
	switch (a) {
	case ACT_NEW:
		staff_new(ui, v);
		return 1;
	case ACT_DISABLE:
		if (st == NULL || jbool(st, "disabled"))
			return 1;
		snprintf(q, sizeof q, _("Disable staff %s (%s)? They can no "
		    "longer log in."), jstr(st, "id"), jstr(st, "name"));
		ui_confirm(ui, q, staff_disable_yes, v);
		return 1;
	case ACT_PASSWORD:
		if (st == NULL)
			return 1;
		explicit_bzero(v->old_pw, sizeof v->old_pw);
		if (strcmp(jstr(st, "id"), ui->staff) == 0) {
			ui_prompt(ui, _("Set password"), _("Your current password"),
			    1, staff_password_old, v);
			return 1;
		}
		snprintf(q, sizeof q, _("New password for %s"), jstr(st, "id"));
		ui_prompt(ui, _("Set password"), q, 1, staff_password_set, v);
		return 1;
	case ACT_REFRESH:
		staff_load(v);
		return 1;
	case ACT_CLEAR:
	case ACT_NONE:
		listbox_filter_action(&v->lb, a, ch, fkey);
		return 1;	/* a lone Esc is swallowed too */
	default:
		return 0;
	}
}

static void
staff_free(struct screen *s)
{
	struct staff_view	*v = s->data;

	if (v->call != 0) {
		client_cancel(v->ui->client, v->call);
		ui_call_done(v->ui);
	}
	json_decref(v->items);
	listbox_release(&v->lb);
	explicit_bzero(v->old_pw, sizeof v->old_pw);
	free(v);
}

static void
staff_resume(struct ui *ui, struct screen *s)
{
	staff_load(s->data);
}

static const struct screen_ops staff_ops = {
	.draw = staff_draw,
	.key = staff_key,
	.free = staff_free,
	.resume = staff_resume,
};

void
ui_staff_push(struct ui *ui)
{
	struct staff_view	*v = xcalloc(1, sizeof *v);
	struct screen		*s;

	v->ui = ui;
	v->lb.cols = staff_cols;
	v->lb.ncols = sizeof staff_cols / sizeof staff_cols[0];
	v->lb.row = staff_row;
	v->lb.text = staff_texts;
	v->lb.arg = v;
	v->lb.show_sel = 1;
	s = ui_screen_create(ui, &staff_ops, MAP_STAFF, v);
	s->typing = 1;		/* typed keys narrow the list */
	ui_push(ui, s);
	staff_load(v);
}
