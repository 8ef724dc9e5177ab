/*
 * The home screen: one search field with the focus, results that follow the
 * typing.  A change schedules a search for when the keys already waiting
 * have been read (a zero timer runs after the input handler), so a burst of
 * keys, a paste or a scanner costs one request.  At most one search is in
 * flight: changes made meanwhile are sent when it answers, and an answer for
 * text that has changed since is dropped, never shown.  A barcode scanner
 * types the card number and Enter: digits-only text of card length opens
 * that member directly (member.get by card_no).
 *
 * Results come a page at a time: when the selection nears the end of what
 * is here, the list box asks for the next page (member.search's offset).
 * A page never holds up a search: a change of the text cancels it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

#define HOME_LIMIT		100
/* Card numbers: 11 digits starting with 8 (phones start with 1). */
#define CARD_DIGITS		11

struct home {
	struct ui	*ui;
	struct ui_text	 q;
	struct listbox	 lb;
	json_t		*items;
	long long	 total;
	int		 capped;	/* total is a lower bound */
	char		 shown_q[TEXT_MAX];	/* the text the results are for */
	uint64_t	 timer;
	uint32_t	 call;		/* the search in flight */
	uint32_t	 page_call;	/* the next page in flight */
	int		 keep_sel;	/* back from a member: where we were */
	int		 stale;		/* the text changed since it was sent */
	uint32_t	 card_call;
	int		 searching;
	int		 open_on_answer;	/* Enter came before the results */
	int		 served;	/* a member was opened from here */
	int		 offline;	/* the last search could not be made */
	char		 empty[256];
};

/* Open a member's profile; back from it, the next customer's search. */
static void
home_open(struct home *h, long long id)
{
	h->served = 1;
	ui_member_open(h->ui, id);
}

static const struct column home_cols[] = {
	{ N_("Card"), 12, 0, 0 },
	{ N_("Name"), 14, 0, 1 },
	{ N_("Phone"), 13, 0, 0 },
	{ N_("Pets"), 10, 0, 1 },
	{ N_("Branch"), 8, 0, 0 },
};

static void
home_row(struct ui *ui, void *arg, int i, int y, int x, const int *w, int attr)
{
	struct home	*h = arg;
	json_t		*it = json_array_get(h->items, (size_t)i);
	char		 name[300];

	listbox_cell(ui, &h->lb, y, x, 0, jstr(it, "card_no"), attr);
	if (jbool(it, "archived"))
		snprintf(name, sizeof name, "%s (%s)", jstr(it, "name"),
		    _("archived"));
	else
		snprintf(name, sizeof name, "%s", jstr(it, "name"));
	listbox_cell(ui, &h->lb, y, x, 1, name, attr);
	listbox_cell(ui, &h->lb, y, x, 2, jstr(it, "phone"), attr);
	listbox_cell(ui, &h->lb, y, x, 3, jstr(it, "pets"), attr);
	listbox_cell(ui, &h->lb, y, x, 4, jstr(it, "branch"), attr);
}

static void
home_draw(struct ui *ui, struct screen *s, int y, int hgt, int w)
{
	struct home	*h = s->data;
	char		 buf[256], key[16];
	int		 lw;

	ui_put(ui, y, 1, w - 2, _("Find a member"), ui_attr(ui, UA_TITLE));
	lw = utf8_width(_("Search")) + 2;
	ui_put(ui, y + 2, 1, lw, _("Search"), A_BOLD);
	if (h->searching)
		snprintf(buf, sizeof buf, "%s", _("searching…"));
	else if (h->shown_q[0] != '\0' && h->capped)
		snprintf(buf, sizeof buf, ngettext("%lld+ found", "%lld+ found",
		    (unsigned long)h->total), h->total);
	else if (h->shown_q[0] != '\0')
		snprintf(buf, sizeof buf, ngettext("%lld found", "%lld found",
		    (unsigned long)h->total), h->total);
	else
		buf[0] = '\0';
	ui_put_right(ui, y + 2, w - 17, 16, buf, ui_attr(ui, UA_DIM));
	text_draw(ui, &h->q, y + 2, 1 + lw, w - lw - 20,
	    ui_attr(ui, UA_FIELD_FOCUS), ui->top == s);
	ui_put(ui, y + 3, 1 + lw, w - lw - 2, _("card number, phone or its last "
	    "4 digits, name or pet name"), ui_attr(ui, UA_DIM));
	if (h->q.len == 0)
		h->lb.empty = _("Type to search; scan a card to open the member.");
	else if (h->offline)
		/* Never "no member found": that invites a duplicate sign-up. */
		h->lb.empty = _("HQ is unreachable: cannot search. It searches "
		    "again once back online.");
	else if (h->searching && h->lb.n == 0)
		h->lb.empty = NULL;
	else {
		keys_name(ACT_NEW, key, sizeof key);
		snprintf(h->empty, sizeof h->empty,
		    _("No member found. Press %s to sign up a new member."), key);
		h->lb.empty = h->empty;
	}
	listbox_draw(ui, &h->lb, y + 5, 1, hgt - 5, w - 2);
}

static void	home_search(void *);

/* Forget a call in flight (its answer will not come). */
static void
home_drop(struct home *h, uint32_t *call)
{
	if (*call != 0) {
		client_cancel(h->ui->client, *call);
		ui_call_done(h->ui);
		*call = 0;
	}
}

static void
home_cancel_page(struct home *h)
{
	home_drop(h, &h->page_call);
	h->lb.fetching = h->lb.want = 0;
}

/* Take total and total_capped of an answer; 1 if more pages may follow. */
static int
home_total(struct home *h, json_t *res, size_t got)
{
	size_t	n = json_array_size(h->items);

	h->total = json_is_integer(json_object_get(res, "total")) ?
	    jint(res, "total") : (long long)n;
	h->capped = jbool(res, "total_capped");
	if ((long long)n > h->total)	/* members added since the count */
		h->total = (long long)n;
	if (got < HOME_LIMIT && n > 0) {	/* the last page: all are here */
		h->total = (long long)n;
		h->capped = 0;
	}
	h->lb.total = (int)h->total;
	h->lb.total_capped = h->capped;
	return got == HOME_LIMIT && (h->capped || (long long)n < h->total);
}

static void
home_results(json_t *res, const struct client_err *err, void *arg)
{
	struct home	*h = arg;
	struct ui	*ui = h->ui;

	ui_call_done(ui);
	h->call = 0;
	if (h->stale) {
		home_search(h);
		return;
	}
	h->searching = 0;
	if (res == NULL) {
		/* What is listed is for another text: not shown as this one's. */
		h->offline = err->code == ERR_DISCONNECTED;
		json_decref(h->items);
		h->items = json_array();
		h->lb.sel = h->lb.top = 0;
		listbox_set_count(&h->lb, 0);
		h->open_on_answer = 0;
		ui_msg(ui, 1, "%s", client_err_text(err));
		return;
	}
	h->offline = 0;
	ui_trace(ui, "results");
	home_cancel_page(h);
	json_decref(h->items);
	h->items = json_incref(json_object_get(res, "items"));
	if (!json_is_array(h->items)) {
		json_decref(h->items);
		h->items = json_array();
	}
	/* A new list, whose first page this is. */
	h->lb.sel = h->lb.top = 0;
	listbox_set_count(&h->lb, 0);
	h->lb.want = h->keep_sel;	/* back from a member: where we were */
	h->keep_sel = 0;
	h->lb.show_sel = json_array_size(h->items) > 0;
	listbox_page_done(&h->lb, (int)json_array_size(h->items),
	    home_total(h, res, json_array_size(h->items)));
	if (h->open_on_answer) {
		h->open_on_answer = 0;
		if (h->lb.n == 1)
			home_open(h, jint(json_array_get(h->items, 0), "id"));
		else if (h->lb.n == 0)
			ui_msg(ui, 1, "%s", _("No member found."));
	}
}

/* The next page came: add what is not here yet (rows may shift). */
static void
home_page(json_t *res, const struct client_err *err, void *arg)
{
	struct home	*h = arg;
	json_t		*page = json_object_get(res, "items"), *it;
	size_t		 i, j, n = json_array_size(h->items);
	int		 dup;

	ui_call_done(h->ui);
	h->page_call = 0;
	if (res == NULL) {
		ui_msg(h->ui, 1, "%s", client_err_text(err));
		listbox_page_done(&h->lb, (int)n, 1);	/* a key tries again */
		return;
	}
	json_array_foreach(page, i, it) {
		for (j = n > HOME_LIMIT ? n - HOME_LIMIT : 0, dup = 0; j < n &&
		    !dup; j++)
			dup = jint(json_array_get(h->items, j), "id") ==
			    jint(it, "id");
		if (!dup)
			json_array_append(h->items, it);
	}
	listbox_page_done(&h->lb, (int)json_array_size(h->items),
	    home_total(h, res, json_array_size(page)));
}

/* The list box wants the items from n on. */
static void
home_more(void *arg, int n)
{
	struct home	*h = arg;
	json_t		*p;

	if (h->call != 0 || h->searching) {	/* these rows are going */
		h->lb.fetching = 0;
		return;
	}
	p = json_pack("{s:s, s:i, s:i}", "q", h->shown_q, "limit", HOME_LIMIT,
	    "offset", n);
	h->page_call = ui_call_async(h->ui, "member.search", p, home_page, h);
	json_decref(p);
}

static void
home_search(void *arg)
{
	struct home	*h = arg;
	json_t		*p;

	h->timer = 0;
	home_cancel_page(h);
	if (h->call != 0) {
		h->stale = 1;	/* sent again when the answer comes */
		return;
	}
	h->stale = 0;
	snprintf(h->shown_q, sizeof h->shown_q, "%s", h->q.buf);
	if (h->q.len == 0) {
		h->searching = 0;
		h->lb.more_rows = 0;
		listbox_set_count(&h->lb, 0);
		ui_dirty(h->ui);
		return;
	}
	h->searching = 1;
	p = json_pack("{s:s, s:i}", "q", h->q.buf, "limit", HOME_LIMIT);
	h->call = ui_call_async(h->ui, "member.search", p, home_results, h);
	json_decref(p);
}

static void
home_changed(struct home *h)
{
	h->searching = h->q.len > 0;
	h->keep_sel = 0;
	home_cancel_page(h);
	if (h->call != 0)
		h->stale = 1;
	else if (h->timer == 0)
		h->timer = loop_add_timer(h->ui->loop, 0, home_search, h);
}

static void
home_card_done(json_t *res, const struct client_err *err, void *arg)
{
	struct home	*h = arg;
	struct ui	*ui = h->ui;

	ui_call_done(ui);
	h->card_call = 0;
	if (res != NULL) {
		home_open(h, jint(res, "id"));
		return;
	}
	/* Not a card: a full phone number finds one member the same way. */
	if (strcmp(h->shown_q, h->q.buf) == 0 && h->lb.n == 1) {
		home_open(h, jint(json_array_get(h->items, 0), "id"));
		return;
	}
	if (err->code == ERR_NOT_FOUND)
		ui_msg(ui, 1, _("No member with card number %s"), h->q.buf);
	else
		ui_msg(ui, 1, "%s", client_err_text(err));
}

static void
home_enter(struct ui *ui, struct home *h)
{
	json_t	*p;

	if (all_digits(h->q.buf) && h->q.len == CARD_DIGITS &&
	    h->q.buf[0] == '8') {
		if (h->card_call != 0)
			return;
		p = json_pack("{s:s}", "card_no", h->q.buf);
		h->card_call = ui_call_async(ui, "member.get", p, home_card_done,
		    h);
		json_decref(p);
		return;
	}
	if (h->q.len == 0)
		return;
	if (h->timer != 0 || h->searching) {
		/* Typed faster than the answer: open it when it is one. */
		if (h->timer != 0) {
			loop_del_timer(ui->loop, h->timer);
			home_search(h);
		}
		h->open_on_answer = 1;
		return;
	}
	if (listbox_item(&h->lb) >= 0)
		home_open(h, jint(json_array_get(h->items,
		    (size_t)listbox_item(&h->lb)), "id"));
	else
		ui_msg(ui, 1, "%s", _("No member found."));
}

static void
home_logout(struct ui *ui)
{
	ui_busy(ui, 1);
	client_logout(ui->client);
	ui_busy(ui, 0);
	ui->logged_in = 0;
	ui->staff[0] = '\0';
	while (ui->top != NULL)
		ui_pop(ui);
	ui_login_push(ui, NULL, 0);
	ui_msg(ui, 0, "%s", _("Logged out."));
}

static int
home_key(struct ui *ui, struct screen *s, enum action a, wint_t ch, int fkey)
{
	struct home	*h = s->data;

	if (listbox_key(&h->lb, a))
		return 1;
	switch (a) {
	case ACT_OPEN:
		home_enter(ui, h);
		return 1;
	case ACT_NEW:
		h->served = 1;
		ui_member_new(ui, h->q.buf);
		return 1;
	case ACT_STAFF:
	case ACT_DEVICES:
		if (!ui_is_manager(ui))
			ui_msg(ui, 1, "%s", _("Your role may not do this"));
		else if (a == ACT_STAFF)
			ui_staff_push(ui);
		else
			ui_device_push(ui);
		return 1;
	case ACT_LOGOUT:
		home_logout(ui);
		return 1;
	case ACT_CLEAR:
		ch = 0x15;	/* text_key's ^U */
		fkey = 0;
		/* FALLTHROUGH */
	case ACT_NONE:
		if (!fkey && ch == 27)
			return 1;
		if (text_key(&h->q, ch, fkey) == 2) {
			ui->msg[0] = '\0';
			h->open_on_answer = 0;
			home_changed(h);
		}
		return 1;
	default:
		return 0;
	}
}

static void
home_free(struct screen *s)
{
	struct home	*h = s->data;

	if (h->timer != 0)
		loop_del_timer(h->ui->loop, h->timer);
	home_drop(h, &h->call);
	home_cancel_page(h);
	home_drop(h, &h->card_call);
	json_decref(h->items);
	listbox_release(&h->lb);
	free(h);
}

/*
 * Back on top.  From a member: the next customer, an empty search field
 * with the focus, so that a scan is not appended to the last one.  From
 * anything else (staff, devices): search again, a member may have changed.
 */
static void
home_resume(struct ui *ui, struct screen *s)
{
	struct home	*h = s->data;

	if (h->served) {
		h->served = 0;
		if (h->q.len > 0) {
			text_key(&h->q, 0x15, 0);	/* ^U: cleared */
			home_changed(h);
		}
		return;
	}
	if (h->q.len > 0) {
		h->keep_sel = listbox_item(&h->lb) > 0 ? listbox_item(&h->lb) : 0;
		home_search(h);
	}
}

/* The connection is back: the search that could not be made runs now. */
static void
home_state(struct ui *ui, struct screen *s, int state)
{
	struct home	*h = s->data;

	if (state == CLIENT_UP && h->offline && h->q.len > 0 &&
	    ui->logged_in) {
		h->offline = 0;
		home_changed(h);
	}
}

static const struct screen_ops home_ops = {
	.draw = home_draw,
	.key = home_key,
	.free = home_free,
	.resume = home_resume,
	.state = home_state,
};

void
ui_home_push(struct ui *ui)
{
	struct home	*h = xcalloc(1, sizeof *h);
	struct screen	*s;

	h->ui = ui;
	h->items = json_array();
	h->lb.cols = home_cols;
	h->lb.ncols = sizeof home_cols / sizeof home_cols[0];
	h->lb.row = home_row;
	h->lb.more = home_more;
	h->lb.arg = h;
	s = ui_screen_create(ui, &home_ops, MAP_HOME, h);
	s->typing = 1;
	ui_push(ui, s);
}
