/*
 * Enrolled devices (branch terminals): the list, narrowed by what is typed
 * (name, branch), and revoking one after a confirmation.  A revoked device
 * can no longer connect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "xmalloc.h"

struct device_view {
	struct ui	*ui;
	struct listbox	 lb;
	json_t		*items;
	uint32_t	 call;
	char		 err[256];
	int		 loading;
};

static const struct column device_cols[] = {
	{ N_("No."), 4, 1, 0 },
	{ N_("Name"), 16, 0, 2 },
	{ N_("Branch"), 8, 0, 0 },
	{ N_("Enrolled"), 10, 0, 0 },
	{ N_("Last seen"), 10, 0, 0 },
	{ N_("Status"), 0, 0, 1 },
};

static void
device_row(struct ui *ui, void *arg, int i, int y, int x, const int *w,
    int attr)
{
	struct device_view	*v = arg;
	json_t			*d = json_array_get(v->items, (size_t)i);
	char			 id[32], created[32], seen[32];
	int			 revoked = jbool(d, "revoked");

	snprintf(id, sizeof id, "%lld", jint(d, "id"));
	ui_date(jint(d, "created"), created, sizeof created);
	ui_date(jint(d, "last_seen"), seen, sizeof seen);
	listbox_cell(ui, &v->lb, y, x, 0, id, attr);
	listbox_cell(ui, &v->lb, y, x, 1, jstr(d, "name"), attr);
	listbox_cell(ui, &v->lb, y, x, 2, jstr(d, "branch"), attr);
	listbox_cell(ui, &v->lb, y, x, 3, created, attr);
	listbox_cell(ui, &v->lb, y, x, 4, seen, attr);
	listbox_cell(ui, &v->lb, y, x, 5, revoked ? _("revoked") : _("active"),
	    attr ? attr : revoked ? ui_attr(ui, UA_ERROR) : 0);
}

/* What the filter looks in: the name, branch and status. */
static int
device_texts(void *arg, int i, const char *texts[LISTBOX_TEXTS])
{
	struct device_view	*v = arg;
	json_t			*d = json_array_get(v->items, (size_t)i);

	texts[0] = jstr(d, "name");
	texts[1] = jstr(d, "branch");
	texts[2] = jbool(d, "revoked") ? _("revoked") : _("active");
	return 3;
}

static void
device_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct device_view	*v = s->data;

	ui_put(ui, y, 1, w - 2, _("Devices"), ui_attr(ui, UA_TITLE));
	listbox_filter_draw(ui, &v->lb, y + 2, 1, w - 2,
	    _("type a name or branch"), ui->top == s);
	v->lb.empty = v->err[0] ? v->err : v->loading ? _("loading…") :
	    _("No devices.");
	listbox_draw(ui, &v->lb, y + 4, 1, h - 4, w - 2);
}

static json_t *
device_selected(struct device_view *v)
{
	int	i = listbox_item(&v->lb);

	return i >= 0 ? json_array_get(v->items, (size_t)i) : NULL;
}

static void
device_loaded(json_t *res, const struct client_err *err, void *arg)
{
	struct device_view	*v = arg;

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
device_load(struct device_view *v)
{
	if (v->call != 0) {
		client_cancel(v->ui->client, v->call);
		ui_call_done(v->ui);
	}
	v->loading = 1;
	v->call = ui_call_async(v->ui, "device.list", NULL, device_loaded, v);
}

static void
device_revoke_yes(struct ui *ui, void *arg)
{
	struct device_view	*v = arg;
	json_t			*d = device_selected(v);
	json_t			*p = json_pack("{s:I}", "id",
				    (json_int_t)jint(d, "id"));
	struct client_err	 err;
	json_t			*res = ui_call(ui, "device.revoke", p, &err);

	if (res == NULL)
		ui_msg(ui, 1, "%s", client_err_text(&err));
	else
		ui_msg(ui, 0, _("Device %lld revoked."), jint(p, "id"));
	json_decref(res);
	json_decref(p);
	device_load(v);
}

static int
device_key(struct ui *ui, struct screen *s, enum action a, wint_t ch,
    int fkey)
{
	struct device_view	*v = s->data;
	json_t			*d = device_selected(v);
	char			 q[512];

	if (listbox_key(&v->lb, a))
		return 1;
	switch (a) {
	case ACT_REVOKE:
		if (d == NULL || jbool(d, "revoked"))
			return 1;
		snprintf(q, sizeof q, _("Revoke device %lld (%s, branch %s)? It "
		    "will no longer connect to the server."), jint(d, "id"),
		    jstr(d, "name"), jstr(d, "branch"));
		ui_confirm(ui, q, device_revoke_yes, v);
		return 1;
	case ACT_REFRESH:
		device_load(v);
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
device_free(struct screen *s)
{
	struct device_view	*v = s->data;

	if (v->call != 0) {
		client_cancel(v->ui->client, v->call);
		ui_call_done(v->ui);
	}
	json_decref(v->items);
	listbox_release(&v->lb);
	free(v);
}

static const struct screen_ops device_ops = {
	.draw = device_draw,
	.key = device_key,
	.free = device_free,
};

void
ui_device_push(struct ui *ui)
{
	struct device_view	*v = xcalloc(1, sizeof *v);
	struct screen		*s;

	v->ui = ui;
	v->lb.cols = device_cols;
	v->lb.ncols = sizeof device_cols / sizeof device_cols[0];
	v->lb.row = device_row;
	v->lb.text = device_texts;
	v->lb.arg = v;
	v->lb.show_sel = 1;
	s = ui_screen_create(ui, &device_ops, MAP_DEVICE, v);
	s->typing = 1;		/* typed keys narrow the list */
	ui_push(ui, s);
	device_load(v);
}
