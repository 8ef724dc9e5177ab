/*
 * The member profile: details, pets and feedback on tabs, and the forms to
 * sign up or edit a member and to record feedback; archiving asks first.
 *
 * Tabs for points, plans and history appear only when the server offers
 * their methods (system.methods), so a clerk never meets a dead end.  The
 * profile is loaded asynchronously and kept on screen while it reloads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

enum member_tab {
	TAB_DETAILS,
	TAB_PETS,
	TAB_FEEDBACK,
	TAB_POINTS,
	TAB_PLANS,
	TAB_HISTORY,
	TAB__COUNT
};

static const struct {
	const char	*label;		/* N_() */
	const char	*needs;		/* a method prefix, or NULL */
} member_tabs[TAB__COUNT] = {
	[TAB_DETAILS] = { N_("Details"), NULL },
	[TAB_PETS] = { N_("Pets"), NULL },
	[TAB_FEEDBACK] = { N_("Feedback"), NULL },
	[TAB_POINTS] = { N_("Points"), "points." },
	[TAB_PLANS] = { N_("Plans"), "plan." },
	[TAB_HISTORY] = { N_("History"), "sale." },
};

struct member_view {
	struct ui	*ui;
	long long	 id;
	json_t		*m;		/* member.get result, NULL until loaded */
	enum member_tab	 tab;
	struct listbox	 pets;
	struct listbox	 fb;
	uint32_t	 call;
	char		 err[256];
	char		 empty[256];
};

static const struct choice gender_choices[] = {
	{ "", N_("Not given") },
	{ "female", N_("Female") },
	{ "male", N_("Male") },
	{ "other", N_("Other") },
	{ NULL, NULL }
};

static const struct field_def member_fields[] = {
	{ "name", N_("Name"), FT_TEXT, 1, NULL, NULL, 0, 0, NULL },
	{ "phone", N_("Mobile phone"), FT_PHONE, 1, NULL, NULL, 0, 0, NULL },
	{ "card_no", N_("Card number"), FT_TEXT, 0, NULL,
	    N_("blank = automatic"), 0, 0, NULL },
	{ "gender", N_("Gender"), FT_CHOICE, 0, gender_choices, NULL, 0, 0,
	    NULL },
	{ "birthday", N_("Birthday"), FT_DATE, 0, NULL, N_("YYYY-MM-DD"), 0, 0,
	    NULL },
	{ "address", N_("Address"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "branch", N_("Home branch"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "consent", N_("Marketing consent"), FT_BOOL, 0, NULL,
	    N_("messages about offers"), 0, 0, NULL },
	{ "tags", N_("Tags"), FT_LIST, 0, NULL, N_("separated by commas"), 200,
	    0, NULL },
	{ "note", N_("Note"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "referral_code", N_("Referred by"), FT_TEXT, 0, NULL,
	    N_("referrer's code"), 0, 0, NULL },
};
#define MEMBER_NFIELDS	((int)(sizeof member_fields / sizeof member_fields[0]))

static const struct choice kind_choices[] = {
	{ "good", N_("Good (praise)") },
	{ "bad", N_("Bad (complaint)") },
	{ NULL, NULL }
};

static const struct field_def feedback_fields[] = {
	{ "kind", N_("Kind"), FT_CHOICE, 1, kind_choices, NULL, 0, 0, NULL },
	{ "text", N_("What was said"), FT_TEXT, 1, NULL, NULL, 0, 0, NULL },
};

static const struct column pet_cols[] = {
	{ N_("Name"), 10, 0, 1 },
	{ N_("Species"), 8, 0, 0 },
	{ N_("Breed"), 12, 0, 1 },
	{ N_("Sex"), 8, 0, 0 },
	{ N_("Born"), 10, 0, 0 },
	{ N_("Weight"), 7, 1, 0 },
	{ N_("Health"), 12, 0, 2 },
};

static const struct column fb_cols[] = {
	{ N_("Date"), 10, 0, 0 },
	{ N_("Kind"), 6, 0, 0 },
	{ N_("Staff"), 10, 0, 0 },
	{ N_("Text"), 0, 0, 1 },
};

static void	member_load(struct member_view *);

/* ---- drawing ---- */

static int
tab_visible(struct ui *ui, enum member_tab t)
{
	return member_tabs[t].needs == NULL ||
	    ui_has_method(ui, member_tabs[t].needs);
}

static void
member_draw_tabs(struct ui *ui, struct member_view *v, int y, int w)
{
	char	buf[128];
	int	t, x = 1, n;
	json_t	*a;

	for (t = 0; t < TAB__COUNT; t++) {
		if (!tab_visible(ui, (enum member_tab)t))
			continue;
		a = t == TAB_PETS ? json_object_get(v->m, "pets") :
		    t == TAB_FEEDBACK ? json_object_get(v->m, "feedback") : NULL;
		if (a != NULL)
			snprintf(buf, sizeof buf, " %s (%zu) ",
			    _(member_tabs[t].label), json_array_size(a));
		else
			snprintf(buf, sizeof buf, " %s ", _(member_tabs[t].label));
		n = utf8_width(buf);
		if (x + n >= w)
			break;
		ui_put(ui, y, x, n, buf, t == (int)v->tab ?
		    ui_attr(ui, UA_TAB_ACTIVE) : ui_attr(ui, UA_TAB));
		x += n + 1;
	}
}

static void
detail_line(struct ui *ui, int y, int x, int w, const char *label,
    const char *value)
{
	int	lw = 18;

	ui_put(ui, y, x, lw - 1, label, ui_attr(ui, UA_DIM));
	ui_put(ui, y, x + lw, w - lw, value[0] ? value : "-", 0);
}

static void
member_draw_details(struct ui *ui, struct member_view *v, int y, int h, int w)
{
	json_t	*m = v->m, *tags = json_object_get(m, "tags"), *e;
	char	 buf[512], date[32];
	int	 half = w / 2, i = 0;
	size_t	 k, off = 0;

	buf[0] = '\0';
	json_array_foreach(tags, k, e) {
		if (json_is_string(e) && off < sizeof buf)
			off += (size_t)snprintf(buf + off, sizeof buf - off,
			    "%s%s", off ? ", " : "", json_string_value(e));
	}
	detail_line(ui, y + i, 1, half - 2, _("Card number"), jstr(m, "card_no"));
	detail_line(ui, y + i++, half, w - half - 1, _("Mobile phone"),
	    jstr(m, "phone"));
	detail_line(ui, y + i, 1, half - 2, _("Gender"),
	    choice_label(gender_choices, jstr(m, "gender")));
	detail_line(ui, y + i++, half, w - half - 1, _("Birthday"),
	    jstr(m, "birthday"));
	detail_line(ui, y + i, 1, half - 2, _("Home branch"), jstr(m, "branch"));
	ui_date(jint(m, "created"), date, sizeof date);
	detail_line(ui, y + i++, half, w - half - 1, _("Member since"), date);
	detail_line(ui, y + i, 1, half - 2, _("Marketing consent"),
	    jbool(m, "consent") ? _("Yes") : _("No"));
	detail_line(ui, y + i++, half, w - half - 1, _("Referral code"),
	    jstr(m, "referral_code"));
	detail_line(ui, y + i++, 1, w - 2, _("Address"), jstr(m, "address"));
	detail_line(ui, y + i++, 1, w - 2, _("Tags"), buf);
	detail_line(ui, y + i++, 1, w - 2, _("Note"), jstr(m, "note"));
	if (jbool(m, "archived"))
		ui_put(ui, y + i + 1, 1, w - 2, _("This member is archived."),
		    ui_attr(ui, UA_ERROR));
}

static void
pet_row(struct ui *ui, void *arg, int i, int y, int x, const int *w, int attr)
{
	struct member_view	*v = arg;
	json_t			*p = json_array_get(json_object_get(v->m, "pets"),
				    (size_t)i);
	char			 buf[64];

	listbox_cell(ui, &v->pets, y, x, 0, jstr(p, "name"), attr);
	listbox_cell(ui, &v->pets, y, x, 1,
	    ui_pet_label("species", jstr(p, "species")), attr);
	listbox_cell(ui, &v->pets, y, x, 2, jstr(p, "breed"), attr);
	listbox_cell(ui, &v->pets, y, x, 3,
	    ui_pet_label("sex", jstr(p, "sex")), attr);
	listbox_cell(ui, &v->pets, y, x, 4, jstr(p, "birth_date"), attr);
	if (jint(p, "weight_g") > 0)
		snprintf(buf, sizeof buf, "%.1fkg", jint(p, "weight_g") / 1000.0);
	else
		buf[0] = '\0';
	listbox_cell(ui, &v->pets, y, x, 5, buf, attr);
	listbox_cell(ui, &v->pets, y, x, 6, jstr(p, "health"), attr);
}

static void
fb_row(struct ui *ui, void *arg, int i, int y, int x, const int *w, int attr)
{
	struct member_view	*v = arg;
	json_t			*f = json_array_get(json_object_get(v->m,
				    "feedback"), (size_t)i);
	char			 date[32];
	int			 bad = strcmp(jstr(f, "kind"), "bad") == 0;

	ui_date(jint(f, "created"), date, sizeof date);
	listbox_cell(ui, &v->fb, y, x, 0, date, attr);
	listbox_cell(ui, &v->fb, y, x, 1, bad ? _("Bad") : _("Good"),
	    attr ? attr : bad ? ui_attr(ui, UA_ERROR) : ui_attr(ui, UA_OK));
	listbox_cell(ui, &v->fb, y, x, 2, jstr(f, "staff"), attr);
	listbox_cell(ui, &v->fb, y, x, 3, jstr(f, "text"), attr);
}

static void
member_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct member_view	*v = s->data;
	char			 title[512], key[16];

	if (v->m == NULL) {
		ui_put(ui, y, 1, w - 2, _("Member"), ui_attr(ui, UA_TITLE));
		ui_put(ui, y + 2, 1, w - 2, v->err[0] ? v->err : _("loading…"),
		    v->err[0] ? ui_attr(ui, UA_ERROR) : ui_attr(ui, UA_DIM));
		return;
	}
	snprintf(title, sizeof title, "%s  %s %s%s", jstr(v->m, "name"),
	    _("card"), jstr(v->m, "card_no"), jbool(v->m, "archived") ?
	    _("  [archived]") : "");
	ui_put(ui, y, 1, w - 2, title, ui_attr(ui, UA_TITLE));
	member_draw_tabs(ui, v, y + 1, w);
	if (v->err[0] != '\0')
		ui_put(ui, y + h - 1, 1, w - 2, v->err, ui_attr(ui, UA_ERROR));
	y += 3;
	h -= 3;
	switch (v->tab) {
	case TAB_DETAILS:
		member_draw_details(ui, v, y, h, w);
		break;
	case TAB_PETS:
		listbox_set_count(&v->pets,
		    (int)json_array_size(json_object_get(v->m, "pets")));
		keys_name(ACT_PET, key, sizeof key);
		snprintf(v->empty, sizeof v->empty,
		    _("No pets yet. Press %s to add one."), key);
		v->pets.empty = v->empty;
		listbox_draw(ui, &v->pets, y, 1, h - 1, w - 2);
		break;
	case TAB_FEEDBACK:
		listbox_set_count(&v->fb,
		    (int)json_array_size(json_object_get(v->m, "feedback")));
		keys_name(ACT_FEEDBACK, key, sizeof key);
		snprintf(v->empty, sizeof v->empty,
		    _("No feedback yet. Press %s to record some."), key);
		v->fb.empty = v->empty;
		listbox_draw(ui, &v->fb, y, 1, h - 1, w - 2);
		break;
	default:
		ui_put(ui, y + 1, 1, w - 2, _("This view is not part of this "
		    "version of the terminal yet."), ui_attr(ui, UA_DIM));
	}
}

/* ---- loading ---- */

static void
member_loaded(json_t *res, const struct client_err *err, void *arg)
{
	struct member_view	*v = arg;

	ui_call_done(v->ui);
	v->call = 0;
	if (res == NULL) {
		snprintf(v->err, sizeof v->err, "%s", client_err_text(err));
		return;
	}
	v->err[0] = '\0';
	json_decref(v->m);
	v->m = json_incref(res);
}

static void
member_load(struct member_view *v)
{
	json_t	*p;

	if (v->call != 0)
		return;
	p = json_pack("{s:I}", "id", (json_int_t)v->id);
	v->call = ui_call_async(v->ui, "member.get", p, member_loaded, v);
	json_decref(p);
}

/* ---- forms ---- */

static json_t *
member_create_params(struct form *f, void *arg)
{
	return form_json(f, 0);
}

static void
member_created(struct ui *ui, json_t *res, void *arg)
{
	if (jint(res, "id") > 0)
		ui_member_open(ui, jint(res, "id"));
}

void
ui_member_new(struct ui *ui, const char *q)
{
	struct form	*f = form_create(_("New member"), member_fields,
			    MEMBER_NFIELDS);

	if (q != NULL && valid_phone(q))
		form_set(f, "phone", q);
	else if (q != NULL && *q != '\0' && !all_digits(q))
		form_set(f, "name", q);
	form_set(f, "branch", ui->device_branch);
	form_set(f, "consent", "0");
	form_screen_push(ui, f, "member.create", member_create_params,
	    member_created, NULL);
}

static json_t *
member_update_params(struct form *f, void *arg)
{
	struct member_view	*v = arg;
	json_t			*p = form_json(f, 1);

	if (json_object_size(p) == 0) {
		ui_msg(v->ui, 0, "%s", _("Nothing changed."));
		json_decref(p);
		return NULL;
	}
	json_object_set_new(p, "id", json_integer(v->id));
	return p;
}

static void
member_edit(struct ui *ui, struct member_view *v)
{
	char		 title[300];
	struct form	*f;

	snprintf(title, sizeof title, _("Edit member %s"), jstr(v->m, "name"));
	f = form_create(title, member_fields, MEMBER_NFIELDS);
	form_load(f, v->m);
	form_field(f, "card_no")->hidden = 1;
	form_field(f, "referral_code")->hidden = 1;
	form_screen_push(ui, f, "member.update", member_update_params, NULL, v);
}

static json_t *
feedback_params(struct form *f, void *arg)
{
	struct member_view	*v = arg;
	json_t			*p = form_json(f, 0);

	json_object_set_new(p, "member_id", json_integer(v->id));
	return p;
}

static void
member_feedback(struct ui *ui, struct member_view *v)
{
	char		 title[300];
	struct form	*f;

	snprintf(title, sizeof title, _("Feedback from %s"), jstr(v->m, "name"));
	f = form_create(title, feedback_fields,
	    (int)(sizeof feedback_fields / sizeof feedback_fields[0]));
	v->tab = TAB_FEEDBACK;
	form_screen_push(ui, f, "feedback.add", feedback_params, NULL, v);
}

static void
member_archive_yes(struct ui *ui, void *arg)
{
	struct member_view	*v = arg;
	struct client_err	 err;
	json_t			*p, *res;
	char			 name[256];

	snprintf(name, sizeof name, "%s", jstr(v->m, "name"));
	p = json_pack("{s:I}", "id", (json_int_t)v->id);
	res = ui_call(ui, "member.archive", p, &err);
	json_decref(p);
	if (res == NULL) {
		ui_msg(ui, 1, "%s: %s", _("Not archived"), client_err_text(&err));
		return;
	}
	json_decref(res);
	ui_pop(ui);
	ui_msg(ui, 0, _("Member %s archived."), name);
}

static void
member_archive(struct ui *ui, struct member_view *v)
{
	char	q[512];

	if (jbool(v->m, "archived")) {
		ui_msg(ui, 1, "%s", _("This member is already archived."));
		return;
	}
	snprintf(q, sizeof q, _("Archive member %s (card %s)? They will no "
	    "longer be found by search; their history is kept."),
	    jstr(v->m, "name"), jstr(v->m, "card_no"));
	ui_confirm(ui, q, member_archive_yes, v);
}

/* ---- keys ---- */

static void
member_switch_tab(struct ui *ui, struct member_view *v, int dir)
{
	int	t = (int)v->tab;

	do {
		t = (t + dir + TAB__COUNT) % TAB__COUNT;
	} while (!tab_visible(ui, (enum member_tab)t));
	v->tab = (enum member_tab)t;
}

static int
member_key(struct ui *ui, struct screen *s, enum action a, wint_t ch, int fkey)
{
	struct member_view	*v = s->data;
	json_t			*pet;

	if (v->m == NULL) {	/* still loading, or failed */
		if (a == ACT_REFRESH)
			member_load(v);
		return a != ACT_BACK && a != ACT_HELP;
	}
	if (v->tab == TAB_PETS && listbox_key(&v->pets, a))
		return 1;
	if (v->tab == TAB_FEEDBACK && listbox_key(&v->fb, a))
		return 1;
	switch (a) {
	case ACT_NEXT:
		member_switch_tab(ui, v, 1);
		return 1;
	case ACT_PREV:
		member_switch_tab(ui, v, -1);
		return 1;
	case ACT_OPEN:
		pet = json_array_get(json_object_get(v->m, "pets"),
		    (size_t)v->pets.sel);
		if (v->tab == TAB_PETS && pet != NULL)
			ui_pet_form(ui, v->id, pet, NULL, NULL);
		return 1;
	case ACT_EDIT:
		member_edit(ui, v);
		return 1;
	case ACT_PET:
		v->tab = TAB_PETS;
		ui_pet_form(ui, v->id, NULL, NULL, NULL);
		return 1;
	case ACT_FEEDBACK:
		member_feedback(ui, v);
		return 1;
	case ACT_ARCHIVE:
		member_archive(ui, v);
		return 1;
	case ACT_REFRESH:
		member_load(v);
		return 1;
	case ACT_NONE:
		if (fkey && ch == KEY_RIGHT)
			member_switch_tab(ui, v, 1);
		else if (fkey && ch == KEY_LEFT)
			member_switch_tab(ui, v, -1);
		return 1;
	default:
		return 0;
	}
}

static void
member_free(struct screen *s)
{
	struct member_view	*v = s->data;

	if (v->call != 0) {
		client_cancel(v->ui->client, v->call);
		ui_call_done(v->ui);
	}
	json_decref(v->m);
	free(v);
}

/* A form above closed (saved or not): show the member as it is now. */
static void
member_resume(struct ui *ui, struct screen *s)
{
	member_load(s->data);
}

/* The connection is back: retry a load that failed for want of it. */
static void
member_state(struct ui *ui, struct screen *s, int state)
{
	struct member_view	*v = s->data;

	if (state == CLIENT_UP && v->err[0] != '\0')
		member_load(v);
}

static const struct screen_ops member_ops = {
	.draw = member_draw,
	.key = member_key,
	.free = member_free,
	.state = member_state,
	.resume = member_resume,
};

void
ui_member_open(struct ui *ui, long long id)
{
	struct member_view	*v = xcalloc(1, sizeof *v);

	v->ui = ui;
	v->id = id;
	v->pets.cols = pet_cols;
	v->pets.ncols = sizeof pet_cols / sizeof pet_cols[0];
	v->pets.row = pet_row;
	v->pets.arg = v;
	v->pets.show_sel = 1;
	v->fb.cols = fb_cols;
	v->fb.ncols = sizeof fb_cols / sizeof fb_cols[0];
	v->fb.row = fb_row;
	v->fb.arg = v;
	ui_push(ui, ui_screen_create(ui, &member_ops, MAP_MEMBER, v));
	member_load(v);
}
