/*
 * Shared widgets: a one-line text editor, a form of typed fields with inline
 * validation (and the server's field errors shown at the named field), a
 * list box with draw callbacks and display-width columns, a modal yes/no
 * question, a modal prompt and the help screen drawn from the key table.
 *
 * Text is kept as UTF-8; the cursor is a byte offset that only ever sits on
 * a character boundary, and every width comes from utf8.c.
 */
#include <ctype.h>
#include <langinfo.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "match.h"
#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

/* ---- text ---- */

void
text_set(struct ui_text *t, const char *s)
{
	size_t	n = s != NULL ? strlen(s) : 0;

	if (n >= sizeof t->buf) {	/* cut at a character boundary */
		n = sizeof t->buf - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(t->buf, s != NULL ? s : "", n);
	t->buf[n] = '\0';
	t->len = t->pos = n;
}

static int
text_insert(struct ui_text *t, wint_t ch)
{
	char		mb[MB_LEN_MAX];
	mbstate_t	ps;
	size_t		n;

	memset(&ps, 0, sizeof ps);
	if ((n = wcrtomb(mb, (wchar_t)ch, &ps)) == (size_t)-1 ||
	    t->len + n >= sizeof t->buf || !utf8_valid(mb, n))
		return 1;
	memmove(t->buf + t->pos + n, t->buf + t->pos, t->len - t->pos + 1);
	memcpy(t->buf + t->pos, mb, n);
	t->pos += n;
	t->len += n;
	return 2;
}

/* Length of the character starting at pos. */
static size_t
text_next(const struct ui_text *t)
{
	uint32_t	cp;
	int		n;

	if (t->pos >= t->len)
		return 0;
	n = utf8_decode(t->buf + t->pos, t->len - t->pos, &cp);
	return n > 0 ? (size_t)n : 1;
}

int
text_key(struct ui_text *t, wint_t ch, int fkey)
{
	size_t	n;

	if (!fkey) {
		if (ch == 0x15) {	/* ^U: clear */
			text_set(t, "");
			return 2;
		}
		if (ch < ' ' || ch == 127)
			return 0;
		return text_insert(t, ch);
	}
	switch (ch) {
	case KEY_BACKSPACE:
		if (t->pos == 0)
			return 1;
		n = utf8_prev(t->buf, t->pos);
		memmove(t->buf + t->pos - n, t->buf + t->pos, t->len - t->pos + 1);
		t->pos -= n;
		t->len -= n;
		return 2;
	case KEY_DC:
		if ((n = text_next(t)) == 0)
			return 1;
		memmove(t->buf + t->pos, t->buf + t->pos + n, t->len - t->pos - n + 1);
		t->len -= n;
		return 2;
	case KEY_LEFT:
		if (t->pos > 0)
			t->pos -= utf8_prev(t->buf, t->pos);
		return 1;
	case KEY_RIGHT:
		t->pos += text_next(t);
		return 1;
	case KEY_HOME:
		t->pos = 0;
		return 1;
	case KEY_END:
		t->pos = t->len;
		return 1;
	}
	return 0;
}

void
text_draw(struct ui *ui, struct ui_text *t, int y, int x, int w, int attr,
    int focused)
{
	char		 shown[TEXT_MAX];
	const char	*s = t->buf;
	size_t		 start = 0, pos = t->pos, i, n;
	int		 cw;

	if (t->masked) {
		n = utf8_count(t->buf);
		for (i = 0; i < n && i < sizeof shown - 1; i++)
			shown[i] = '*';
		shown[i] = '\0';
		s = shown;
		pos = utf8_count(t->buf) - utf8_count(t->buf + t->pos);
	}
	/* Scroll so that the cursor (and one column after it) shows. */
	for (;;) {
		char		head[TEXT_MAX];
		uint32_t	cp;
		int		k;

		memcpy(head, s + start, pos - start);
		head[pos - start] = '\0';
		cw = utf8_width(head);
		if (cw < w || start >= pos)
			break;
		k = utf8_decode(s + start, strlen(s + start), &cp);
		start += k > 0 ? (size_t)k : 1;
	}
	ui_put(ui, y, x, w, s + start, attr);
	if (focused)
		ui_show_cursor(ui, y, x + cw);
}

/* ---- checks ---- */

int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
	}
	return 1;
}

/*
 * Whether text looks like a phone, before the server's pattern is known
 * (forms check against the pattern system.methods gives): a Chinese
 * mobile, 1, then 3-9, then 9 more digits (optionally +86), or + and 7 to
 * 15 digits; spaces and dashes are ignored, as the server does.
 */
int
valid_phone(const char *s)
{
	char	buf[32];
	size_t	n = 0;

	for (; *s != '\0' && n < sizeof buf - 1; s++) {
		if (*s != ' ' && *s != '-')
			buf[n++] = *s;
	}
	buf[n] = '\0';
	if (*s != '\0')
		return 0;
	if (strncmp(buf, "+86", 3) == 0 && n == 14)
		return valid_phone(buf + 3);
	if (buf[0] == '+')
		return n >= 8 && n <= 16 && buf[1] != '0' && all_digits(buf + 1);
	return n == 11 && all_digits(buf) && buf[0] == '1' && buf[1] >= '3' &&
	    buf[1] <= '9';
}

/* A real calendar day written YYYY-MM-DD, of any year: the range is apart. */
int
valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || s[4] != '-' || s[7] != '-' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[8]))
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

/* ---- form ---- */

struct form *
form_create(const char *title, const struct field_def *defs, int n)
{
	struct form	*f = xcalloc(1, sizeof *f);
	int		 i;

	snprintf(f->title, sizeof f->title, "%s", title);
	f->fields = xcalloc((size_t)n, sizeof *f->fields);
	f->n = n;
	for (i = 0; i < n; i++) {
		f->fields[i].def = &defs[i];
		f->fields[i].text.masked = defs[i].type == FT_PASSWORD;
	}
	return f;
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	explicit_bzero(f->fields, (size_t)f->n * sizeof *f->fields);
	free(f->fields);
	free(f->owned);
	free(f);
}

struct field *
form_field(struct form *f, const char *name)
{
	int	i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i].def->name, name) == 0)
			return &f->fields[i];
	}
	return NULL;
}

static int
choice_count(const struct choice *c)
{
	int	n = 0;

	while (c != NULL && c[n].value != NULL)
		n++;
	return n;
}

const char *
choice_label(const struct choice *c, const char *value)
{
	for (; c->value != NULL; c++) {
		if (strcmp(c->value, value) == 0)
			return _(c->label);
	}
	return value;
}

static const char *
field_value(struct field *fl)
{
	switch (fl->def->type) {
	case FT_CHOICE:
		return fl->def->choices[fl->choice].value;
	case FT_BOOL:
		return fl->choice ? "1" : "0";
	default:
		return fl->text.buf;
	}
}

void
form_set(struct form *f, const char *name, const char *v)
{
	struct field	*fl = form_field(f, name);
	int		 i;

	if (fl == NULL)
		return;
	if (v == NULL)
		v = "";
	switch (fl->def->type) {
	case FT_CHOICE:
		for (i = 0; i < choice_count(fl->def->choices); i++) {
			if (strcmp(fl->def->choices[i].value, v) == 0)
				fl->choice = i;
		}
		break;
	case FT_BOOL:
		fl->choice = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
		break;
	default:
		text_set(&fl->text, v);
	}
	snprintf(fl->orig, sizeof fl->orig, "%s", field_value(fl));
}

/* A JSON value as the text a field holds. */
static void
json_text(json_t *v, char *buf, size_t len)
{
	size_t	 i, off = 0;
	json_t	*e;

	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "1" : "0");
	else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			if (json_is_string(e) && off < len)
				off += (size_t)snprintf(buf + off, len - off,
				    "%s%s", off ? ", " : "", json_string_value(e));
		}
	}
}

void
form_load(struct form *f, json_t *o)
{
	char	buf[TEXT_MAX];
	int	i;

	for (i = 0; i < f->n; i++) {
		json_t	*v = json_object_get(o, f->fields[i].def->name);

		if (v == NULL || json_is_null(v))
			continue;
		json_text(v, buf, sizeof buf);
		form_set(f, f->fields[i].def->name, buf);
	}
}

const char *
form_value(struct form *f, const char *name)
{
	struct field	*fl = form_field(f, name);

	return fl != NULL ? field_value(fl) : "";
}

/*
 * A typed number: digits, within [min, max] (max 0: any that fits an int),
 * said with the field's own words when it has them ("at most 200 kg").
 */
static const char *
number_check(const struct field *fl, const char *v, char *buf, size_t len)
{
	const struct field_def *d = fl->def;
	long	n, max = d->max > 0 ? d->max : 999999999, min = d->min;

	if (fl->lim.set) {
		min = fl->lim.min;
		max = fl->lim.max;
	}

	if (!all_digits(v))
		return _("Whole number only");
	n = strlen(v) > 9 ? LONG_MAX : atol(v);
	if (n >= min && n <= max)
		return NULL;
	if (d->range != NULL)
		return _(d->range);
	if (n > max)
		snprintf(buf, len, _("Must be at most %ld"), max);
	else
		snprintf(buf, len, _("Must be at least %ld"), min);
	return buf;
}

/* A date, within the server's range (clock.h's until it is known). */
static const char *
date_check(const struct field *fl, const char *v, char *buf, size_t len)
{
	char	dmin[11], dmax[11];

	if (!valid_date(v))
		return _("Invalid date (YYYY-MM-DD)");
	snprintf(dmin, sizeof dmin, "%04d-01-01", CLOCK_YEAR_MIN);
	snprintf(dmax, sizeof dmax, "%04d-12-31", CLOCK_YEAR_MAX);
	if (fl->lim.dmin[0] != '\0') {
		memcpy(dmin, fl->lim.dmin, sizeof dmin);
		memcpy(dmax, fl->lim.dmax, sizeof dmax);
	}
	if (strcmp(v, dmin) >= 0 && strcmp(v, dmax) <= 0)
		return NULL;
	snprintf(buf, len, _("Must be from %s to %s"), dmin, dmax);
	return buf;
}

/* Longer than the server's limit (or the form's own, for local fields). */
static int
text_too_long(const struct field *fl, const char *v)
{
	long	max = fl->lim.set ? fl->lim.max : fl->def->max;
	size_t	start, len;
	char	t[TEXT_MAX];

	if (max <= 0)
		return 0;
	/* The server counts what is left once blanks at the ends go. */
	len = utf8_trim(v, &start);
	snprintf(t, sizeof t, "%.*s", (int)len, v + start);
	return (long)utf8_count(t) > max;
}

/* One field's limits from its declaration ({type, min, max, pattern ...}). */
static void
field_limits(struct field *fl, json_t *p)
{
	struct field_limits	*l = &fl->lim;
	const char		*type = json_string_value(json_object_get(p,
				    "type"));
	json_t			*min = json_object_get(p, "min");
	json_t			*max = json_object_get(p, "max");

	memset(l, 0, sizeof *l);
	if (type == NULL)
		return;
	if (strcmp(type, "date") == 0 && json_is_string(min) &&
	    json_is_string(max)) {
		snprintf(l->dmin, sizeof l->dmin, "%s", json_string_value(min));
		snprintf(l->dmax, sizeof l->dmax, "%s", json_string_value(max));
		return;
	}
	if (!json_is_integer(max))
		return;
	l->set = 1;
	l->min = json_is_integer(min) ? (long)json_integer_value(min) : 0;
	l->max = (long)json_integer_value(max);
	snprintf(l->pattern, sizeof l->pattern, "%s",
	    json_string_value(json_object_get(p, "pattern")) ?
	    json_string_value(json_object_get(p, "pattern")) : "");
	snprintf(l->ignore, sizeof l->ignore, "%s",
	    json_string_value(json_object_get(p, "ignore")) ?
	    json_string_value(json_object_get(p, "ignore")) : "");
}

void
form_limits(struct form *f, json_t *method)
{
	json_t		*p;
	size_t		 i;
	struct field	*fl;

	json_array_foreach(json_object_get(method, "params"), i, p) {
		const char	*name = json_string_value(json_object_get(p,
				    "name"));

		if (name != NULL && (fl = form_field(f, name)) != NULL)
			field_limits(fl, p);
	}
}

/* Check one field; its error text (maybe in buf), or NULL. */
static const char *
field_check(struct field *fl, char *buf, size_t len)
{
	const char	*v = fl->text.buf;
	const struct field_def *d = fl->def;

	if (d->type == FT_CHOICE || d->type == FT_BOOL || fl->hidden)
		return NULL;
	if (*v == '\0')
		return d->required ? _("Required") : NULL;
	if (d->type != FT_NUMBER && text_too_long(fl, v)) {
		snprintf(buf, len, _("At most %ld characters"),
		    fl->lim.set ? fl->lim.max : (long)d->max);
		return buf;
	}
	switch (d->type) {
	case FT_PHONE:
		return (fl->lim.pattern[0] != '\0' ? match_pattern(
		    fl->lim.pattern, fl->lim.ignore, v) : valid_phone(v)) ?
		    NULL : _("Invalid phone number");
	case FT_DATE:
		return date_check(fl, v, buf, len);
	case FT_NUMBER:
		return number_check(fl, v, buf, len);
	default:
		if (fl->lim.pattern[0] != '\0' &&
		    !match_pattern(fl->lim.pattern, fl->lim.ignore, v))
			return _("Not in the expected form");
		return NULL;
	}
}

int
form_validate(struct form *f)
{
	const char	*e;
	char		 buf[256];
	int		 i, first = -1;

	for (i = 0; i < f->n; i++) {
		e = field_check(&f->fields[i], buf, sizeof buf);
		snprintf(f->fields[i].err, sizeof f->fields[i].err, "%s",
		    e != NULL ? e : "");
		if (e != NULL && first < 0)
			first = i;
	}
	if (first >= 0)
		f->focus = first;
	return first >= 0 ? -1 : 0;
}

/* Comma-separated text (ASCII or Chinese commas) as an array. */
static json_t *
list_json(const char *s)
{
	json_t	*a = json_array();
	char	*copy = xstrdup(s), *p = copy, *q, *end;

	for (q = p; *q != '\0'; q++) {
		if (strncmp(q, "，", 3) == 0)
			memcpy(q, ",  ", 3);
	}
	while (p != NULL) {
		if ((q = strchr(p, ',')) != NULL)
			*q++ = '\0';
		while (*p == ' ')
			p++;
		end = p + strlen(p);
		while (end > p && end[-1] == ' ')
			*--end = '\0';
		if (*p != '\0')
			json_array_append_new(a, json_string(p));
		p = q;
	}
	free(copy);
	return a;
}

json_t *
form_json(struct form *f, int only_changed)
{
	json_t		*o = json_object(), *v;
	struct field	*fl;
	const char	*s;
	int		 i;

	for (i = 0; i < f->n; i++) {
		fl = &f->fields[i];
		s = field_value(fl);
		if (fl->hidden || (only_changed && strcmp(s, fl->orig) == 0))
			continue;
		if (!only_changed && *s == '\0')
			continue;
		switch (fl->def->type) {
		case FT_BOOL:
			v = json_boolean(fl->choice);
			break;
		case FT_NUMBER:
			v = *s ? json_integer(atoll(s)) : json_null();
			break;
		case FT_LIST:
			v = list_json(s);
			break;
		case FT_DATE:
			/* A date cannot be cleared to "": skip it. */
			if (*s == '\0')
				continue;
			v = json_string(s);
			break;
		default:
			v = json_string(s);
		}
		if (json_is_null(v))
			continue;
		json_object_set_new(o, fl->def->name, v);
	}
	return o;
}

/*
 * A phone taken by another member: the error names that member's card
 * (card_no, archived), and the clerk is told which card it is, translated.
 * 0 if it names none.
 */
static int
err_with_card(const struct client_err *e, char *buf, size_t len)
{
	if (e->code != ERR_CONFLICT || e->card_no[0] == '\0')
		return 0;
	if (e->archived)
		snprintf(buf, len, _("This phone number belongs to an archived "
		    "member, card %s"), e->card_no);
	else
		snprintf(buf, len, _("This phone number already belongs to "
		    "another member, card %s"), e->card_no);
	return 1;
}

int
form_server_error(struct form *f, const struct client_err *e)
{
	int	i;

	if (e->field[0] == '\0')
		return 0;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i].def->name, e->field) == 0 &&
		    !f->fields[i].hidden) {
			if (!err_with_card(e, f->fields[i].err,
			    sizeof f->fields[i].err))
				snprintf(f->fields[i].err,
				    sizeof f->fields[i].err, "%s",
				    client_err_text(e));
			f->focus = i;
			return 1;
		}
	}
	return 0;
}

static int
form_label_width(struct form *f)
{
	int	i, w, lw = 8;

	for (i = 0; i < f->n; i++) {
		w = utf8_width(_(f->fields[i].def->label));
		if (w > lw)
			lw = w;
	}
	return lw > 24 ? 24 : lw;
}

/* One field: label, value and its hint. */
static void
form_draw_field(struct ui *ui, struct form *f, int i, int y, int x, int w,
    int lw)
{
	struct field	*fl = &f->fields[i];
	int		 focus = i == f->focus, vw = w - lw - 3, attr;
	char		 buf[256];
	const char	*after;

	attr = focus ? ui_attr(ui, UA_FIELD_FOCUS) : ui_attr(ui, UA_FIELD);
	ui_put(ui, y, x, 1, fl->def->required ? "*" : " ",
	    ui_attr(ui, UA_ERROR));
	ui_put(ui, y, x + 1, lw + 1, _(fl->def->label),
	    focus ? A_BOLD : A_NORMAL);
	if (vw > 30)
		vw = 30;
	x += lw + 3;
	switch (fl->def->type) {
	case FT_CHOICE:
		snprintf(buf, sizeof buf, "< %s >",
		    _(fl->def->choices[fl->choice].label));
		ui_put(ui, y, x, vw, buf, attr);
		if (focus)
			ui_show_cursor(ui, y, x);
		break;
	case FT_BOOL:
		snprintf(buf, sizeof buf, "[%s] %s", fl->choice ? "x" : " ",
		    fl->choice ? _("Yes") : _("No"));
		ui_put(ui, y, x, vw, buf, attr);
		if (focus)
			ui_show_cursor(ui, y, x + 1);
		break;
	default:
		text_draw(ui, &fl->text, y, x, vw, attr, focus);
	}
	after = fl->def->hint != NULL ? _(fl->def->hint) : "";
	ui_put(ui, y, x + vw + 1, w - (lw + 3) - vw - 1, after,
	    ui_attr(ui, UA_DIM));
}

/* Lines an error under a field may take, wrapped. */
#define FORM_ERR_LINES	3

/* Rows a field takes: its line, and the lines of an error under it. */
static int
field_rows(const struct field *fl, int ew)
{
	if (fl->hidden)
		return 0;
	return 1 + ui_wrap_rows(fl->err, ew, FORM_ERR_LINES);
}

static int
form_rows(const struct form *f, int from, int to, int ew)
{
	int	i, n = 0;

	for (i = from; i <= to && i < f->n; i++)
		n += field_rows(&f->fields[i], ew);
	return n;
}

static void
form_draw(struct ui *ui, struct form *f, int y, int h, int w)
{
	int	i, row = 0, lw = form_label_width(f), rows = h - 2;
	int	ew = w - lw - 6, max;

	ui_put(ui, y, 1, w - 2, f->title, ui_attr(ui, UA_TITLE));
	/* f->top is the first field shown; keep the focused one on screen. */
	if (f->focus < f->top)
		f->top = f->focus;
	while (f->top < f->focus && form_rows(f, f->top, f->focus, ew) > rows)
		f->top++;
	for (i = f->top; i < f->n && row < rows; i++) {
		if (f->fields[i].hidden)
			continue;
		form_draw_field(ui, f, i, y + 2 + row++, 1, w - 2, lw);
		max = rows - row < FORM_ERR_LINES ? rows - row : FORM_ERR_LINES;
		row += ui_put_wrapped(ui, y + 2 + row, lw + 5, ew, max,
		    f->fields[i].err, ui_attr(ui, UA_ERROR));
	}
	if (form_rows(f, 0, f->top - 1, ew) > 0)
		ui_put(ui, y + 1, w - 3, 1, "^", A_BOLD);
	if (form_rows(f, i, f->n - 1, ew) > 0)
		ui_put(ui, y + h - 1, w - 3, 1, "v", A_BOLD);
}

static void
form_move(struct form *f, int dir)
{
	int	i = f->focus;

	do {
		i += dir;
	} while (i >= 0 && i < f->n && f->fields[i].hidden);
	if (i >= 0 && i < f->n)
		f->focus = i;
}

/* A raw key for the focused field; 1 if used. */
static int
form_field_key(struct form *f, wint_t ch, int fkey)
{
	struct field	*fl = &f->fields[f->focus];
	int		 n, r;

	switch (fl->def->type) {
	case FT_CHOICE:
		n = choice_count(fl->def->choices);
		if ((fkey && ch == KEY_RIGHT) || (!fkey && ch == ' '))
			fl->choice = (fl->choice + 1) % n;
		else if (fkey && ch == KEY_LEFT)
			fl->choice = (fl->choice + n - 1) % n;
		else
			return 0;
		fl->err[0] = '\0';
		f->dirty = 1;
		return 1;
	case FT_BOOL:
		if ((!fkey && ch == ' ') || (fkey && (ch == KEY_LEFT ||
		    ch == KEY_RIGHT)))
			fl->choice = !fl->choice;
		else if (!fkey && (ch == 'y' || ch == 'Y'))
			fl->choice = 1;
		else if (!fkey && (ch == 'n' || ch == 'N'))
			fl->choice = 0;
		else
			return 0;
		f->dirty = 1;
		return 1;
	default:
		if ((fl->def->type == FT_NUMBER || fl->def->type == FT_PHONE) &&
		    !fkey && ch >= ' ' && !(ch >= '0' && ch <= '9') &&
		    !(ch == '+' && fl->def->type == FT_PHONE))
			return 1;	/* swallow: digits only */
		if (fl->def->type == FT_DATE && !fkey && ch >= ' ' &&
		    !(ch >= '0' && ch <= '9') && ch != '-')
			return 1;
		if ((r = text_key(&fl->text, ch, fkey)) == 2) {
			fl->err[0] = '\0';
			f->dirty = 1;
		}
		return r != 0;
	}
}

/* Validate the field being left, so mistakes show at once. */
static void
form_leave(struct form *f)
{
	struct field	*fl = &f->fields[f->focus];
	char		 buf[256];
	const char	*e = field_check(fl, buf, sizeof buf);

	if (e != NULL && fl->text.len > 0)
		snprintf(fl->err, sizeof fl->err, "%s", e);
}

/* ---- form screen ---- */

static void
form_screen_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct form	*f = s->data;
	int		 t;

	form_draw(ui, f, y, h, w);
	t = f->fields[f->focus].def->type;
	s->typing = t != FT_CHOICE && t != FT_BOOL;
	if (f->saving) {
		ui_put(ui, y, w - 20, 19, _("saving…"), ui_attr(ui, UA_TITLE));
		ui_show_cursor(ui, -1, -1);
	}
}

static void
form_screen_done(json_t *res, const struct client_err *err, void *arg)
{
	struct screen	*s = arg;
	struct ui	*ui = s->ui;
	struct form	*f = s->data;
	form_done_cb	*done = f->done;
	void		*darg = f->arg, *owned;

	ui_call_done(ui);
	f->saving = 0;
	f->call = 0;
	if (err != NULL) {
		if (err->code == ERR_DISCONNECTED)
			ui_msg(ui, 1, "%s", _("Not saved: no connection. The form "
			    "is kept; save again once online."));
		else if (form_server_error(f, err))	/* said at the field */
			ui_msg(ui, 1, "%s: %s", _("Not saved"),
			    f->fields[f->focus].err);
		else
			ui_msg(ui, 1, "%s: %s", _("Not saved"), client_err_text(err));
		return;
	}
	/* Close the form first: done may push the next screen. */
	owned = f->owned;	/* darg may be it: keep it past the form */
	f->owned = NULL;
	ui_remove(ui, s);
	ui_msg(ui, 0, "%s", _("Saved."));
	if (done != NULL)
		done(ui, res, darg);
	free(owned);
}

static void
form_screen_save(struct ui *ui, struct screen *s)
{
	struct form	*f = s->data;
	json_t		*p;

	if (f->saving)
		return;
	form_leave(f);
	if (form_validate(f) != 0) {
		ui_msg(ui, 1, "%s: %s", _("Please correct the marked field"),
		    f->fields[f->focus].err);
		return;
	}
	p = f->params(f, f->arg);
	if (p == NULL)
		return;
	f->saving = 1;
	ui->msg[0] = '\0';
	f->call = ui_call_async(ui, f->method, p, form_screen_done, s);
	json_decref(p);
}

static void
form_screen_discard(struct ui *ui, void *arg)
{
	ui_remove(ui, arg);
}

static int
form_screen_key(struct ui *ui, struct screen *s, enum action a, wint_t ch,
    int fkey)
{
	struct form	*f = s->data;

	switch (a) {
	case ACT_SAVE:
		form_screen_save(ui, s);
		return 1;
	case ACT_NEXT:
	case ACT_DOWN:
		form_leave(f);
		form_move(f, 1);
		return 1;
	case ACT_OPEN:
		form_leave(f);
		if (f->focus == f->n - 1)
			form_screen_save(ui, s);
		else
			form_move(f, 1);
		return 1;
	case ACT_PREV:
	case ACT_UP:
		form_leave(f);
		form_move(f, -1);
		return 1;
	case ACT_PGDN:
		f->focus = f->n - 1;
		form_move(f, -1), form_move(f, 1);
		return 1;
	case ACT_PGUP:
		f->focus = 0;
		return 1;
	case ACT_BACK:
		if (!f->dirty)
			return 0;
		ui_confirm(ui, _("Close the form without saving? What you typed "
		    "will be lost."), form_screen_discard, s);
		return 1;
	case ACT_NONE:
		if (f->saving)
			return 1;
		return form_field_key(f, ch, fkey);
	default:
		return 0;
	}
}

static void
form_screen_free(struct screen *s)
{
	struct form	*f = s->data;

	if (f->call != 0) {
		client_cancel(s->ui->client, f->call);
		ui_call_done(s->ui);
	}
	form_free(f);
}

static const struct screen_ops form_screen_ops = {
	.draw = form_screen_draw,
	.key = form_screen_key,
	.free = form_screen_free,
};

void
form_screen_push(struct ui *ui, struct form *f, const char *method,
    form_params_cb *params, form_done_cb *done, void *arg)
{
	struct screen	*s = ui_screen_create(ui, &form_screen_ops, MAP_FORM, f);

	f->method = method;
	form_limits(f, json_object_get(ui->decls, method));
	f->params = params;
	f->done = done;
	f->arg = arg;
	f->screen = s;
	s->typing = 1;
	while (f->focus < f->n - 1 && f->fields[f->focus].hidden)
		f->focus++;
	ui_push(ui, s);
}

/* ---- list box ---- */

/* The mark of a cut: one column, "…" where the locale can show it. */
static const char *
ellipsis(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "…" : ".";
}

/* Text in exactly w columns; cut, it ends with an ellipsis. */
static void
put_fit(struct ui *ui, int y, int x, int w, const char *s, int right,
    int attr)
{
	const char	*ell = ellipsis();
	char		 buf[1024];
	size_t		 n;
	int		 cut;

	n = utf8_chop_ellipsis(s, w, utf8_width(ell), &cut);
	if (!cut) {
		if (right)
			ui_put_right(ui, y, x, w, s, attr);
		else
			ui_put(ui, y, x, w, s, attr);
		return;
	}
	while (n > sizeof buf - 8)
		n -= utf8_prev(s, n);
	snprintf(buf, sizeof buf, "%.*s%s", (int)n, s,
	    w >= utf8_width(ell) ? ell : "");
	ui_put(ui, y, x, w, buf, attr);
}

/* A column's share of the width left over (a width-0 column: 1). */
static int
col_share(const struct column *c)
{
	return c->grow > 0 ? c->grow : c->width == 0;
}

/*
 * Column widths for w: each column has its width, and what is left goes to
 * the columns with a share, by their share, so a wider terminal shows more
 * of the names.  A column past the edge is cut to what is left.
 */
static void
listbox_layout(struct listbox *lb, int w)
{
	int	i, n = lb->ncols < 12 ? lb->ncols : 12, used = 0, shares = 0;
	int	left, extra, given = 0, last = -1, off = 0;

	for (i = 0; i < n; i++) {
		used += lb->cols[i].width + (i > 0);
		shares += col_share(&lb->cols[i]);
		if (col_share(&lb->cols[i]) > 0)
			last = i;
	}
	left = w > used ? w - used : 0;
	for (i = 0; i < n; i++) {
		extra = shares > 0 ? left * col_share(&lb->cols[i]) / shares :
		    0;
		lb->widths[i] = lb->cols[i].width + extra;
		given += extra;
	}
	if (last >= 0)		/* the remainder of the division */
		lb->widths[last] += left - given;
	for (i = 0; i < n; i++) {
		if (lb->cols[i].width == 0 && lb->widths[i] < 4)
			lb->widths[i] = 4;
		if (lb->widths[i] > w - off)
			lb->widths[i] = w - off > 0 ? w - off : 0;
		off += lb->widths[i] + 1;
	}
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* 1 if hay holds the n bytes of word, ASCII letters in either case. */
static int
text_has(const char *hay, const char *word, size_t n)
{
	size_t	i, j, len = strlen(hay);

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && ascii_lower((unsigned char)hay[i + j]) ==
		    ascii_lower((unsigned char)word[j]); j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/* 1 if every space-separated word of the filter is in one of the texts. */
static int
filter_match(const char *filter, const char **texts, int nt)
{
	size_t	n;
	int	i;

	for (;;) {
		while (*filter == ' ')
			filter++;
		if (*filter == '\0')
			return 1;
		n = strcspn(filter, " ");
		for (i = 0; i < nt && !text_has(texts[i], filter, n); i++)
			;
		if (i == nt)
			return 0;
		filter += n;
	}
}

/* Rows for the items the filter keeps; the item keep stays selected. */
static void
listbox_refilter(struct listbox *lb, int keep)
{
	const char	*texts[LISTBOX_TEXTS];
	int		 i, nt;

	lb->rows = xrealloc(lb->rows, (size_t)(lb->nitems > 0 ? lb->nitems :
	    1) * sizeof *lb->rows);
	lb->n = 0;
	for (i = 0; i < lb->nitems; i++) {
		nt = lb->text(lb->arg, i, texts);
		if (!filter_match(lb->filter.buf, texts, nt))
			continue;
		if (i == keep)
			lb->sel = lb->n;
		lb->rows[lb->n++] = i;
	}
}

void
listbox_set_count(struct listbox *lb, int n)
{
	lb->nitems = n;
	if (lb->text != NULL)
		listbox_refilter(lb, -1);
	else
		lb->n = n;
	if (lb->sel >= lb->n)
		lb->sel = lb->n > 0 ? lb->n - 1 : 0;
	if (lb->sel < 0)
		lb->sel = 0;
	if (lb->top > lb->sel)
		lb->top = lb->sel;
}

int
listbox_item(const struct listbox *lb)
{
	if (lb->sel < 0 || lb->sel >= lb->n)
		return -1;
	return lb->text != NULL ? lb->rows[lb->sel] : lb->sel;
}

void
listbox_release(struct listbox *lb)
{
	free(lb->rows);
	lb->rows = NULL;
}

/* Ask for the next page once the selection is within a page of the end. */
static void
listbox_prefetch(struct listbox *lb)
{
	if (lb->more == NULL || !lb->more_rows || lb->fetching ||
	    lb->sel + lb->page < lb->nitems)
		return;
	lb->fetching = 1;
	lb->more(lb->arg, lb->nitems);
}

void
listbox_page_done(struct listbox *lb, int n, int more_rows)
{
	int	grew = n > lb->nitems;

	lb->fetching = 0;
	lb->more_rows = more_rows;
	listbox_set_count(lb, n);
	if (lb->want > 0 && lb->n > 0) {	/* went on past the rows here */
		lb->sel = lb->want < lb->n ? lb->want : lb->n - 1;
		if (lb->want < lb->n || !more_rows || !grew)
			lb->want = 0;
	} else
		lb->want = 0;
	if (grew)
		listbox_prefetch(lb);
}

int
listbox_filter_key(struct listbox *lb, wint_t ch, int fkey)
{
	int	keep = listbox_item(lb), r;

	if ((r = text_key(&lb->filter, ch, fkey)) == 2) {
		lb->sel = lb->top = 0;
		listbox_refilter(lb, keep);
	}
	return r;
}

void
listbox_filter_clear(struct listbox *lb)
{
	listbox_filter_key(lb, 0x15, 0);	/* ^U */
}

int
listbox_filter_action(struct listbox *lb, enum action a, wint_t ch,
    int fkey)
{
	if (a == ACT_CLEAR)
		listbox_filter_clear(lb);
	else if (a == ACT_NONE && !(!fkey && ch == 27))	/* a lone Esc */
		listbox_filter_key(lb, ch, fkey);
	else
		return 0;
	return 1;
}

void
listbox_filter_draw(struct ui *ui, struct listbox *lb, int y, int x, int w,
    const char *hint, int focused)
{
	const char	*label = _("Filter");
	char		 count[128], key[16];
	int		 lw = utf8_width(label) + 2, fw = w - lw > 60 ? 30 : 20;

	ui_put(ui, y, x, lw, label, A_BOLD);
	text_draw(ui, &lb->filter, y, x + lw, fw, ui_attr(ui, UA_FIELD_FOCUS),
	    focused);
	if (lb->filter.len > 0) {
		keys_name(ACT_CLEAR, key, sizeof key);
		snprintf(count, sizeof count, _("%d of %d (%s clears)"), lb->n,
		    lb->nitems, key);
		hint = count;
	}
	put_fit(ui, y, x + lw + fw + 2, w - lw - fw - 2, hint, 0,
	    ui_attr(ui, UA_DIM));
}

void
listbox_cell(struct ui *ui, struct listbox *lb, int y, int x, int col,
    const char *s, int attr)
{
	int	i, off = 0;

	if (col >= lb->ncols)
		return;
	for (i = 0; i < col; i++)
		off += lb->widths[i] + 1;
	put_fit(ui, y, x + off, lb->widths[col], s, lb->cols[col].right, attr);
}

/* How many items the list stands for (a paged search: more than it holds). */
static int
listbox_total(const struct listbox *lb)
{
	int	paged = lb->text == NULL;	/* no filter: items = rows */

	return paged && lb->total > lb->n ? lb->total : lb->n;
}

/*
 * Where the selection is among all the items, " 12/127 " or " 12/1000+ ",
 * right-aligned on row y, the list's last row, kept for it when the items
 * do not fit (so it never covers a column title).
 */
static void
listbox_position(struct ui *ui, struct listbox *lb, int y, int x, int w)
{
	char	pos[64];

	snprintf(pos, sizeof pos, " %d/%d%s ", lb->sel + 1, listbox_total(lb),
	    lb->text == NULL && lb->total_capped ? "+" : "");
	ui_put_right(ui, y, x + w - 14, 14, pos, ui_attr(ui, UA_DIM));
}

void
listbox_draw(struct ui *ui, struct listbox *lb, int y, int x, int h, int w)
{
	char	key[16], none[256];
	int	i, row, attr;

	listbox_layout(lb, w);
	for (i = 0; i < lb->ncols; i++)
		listbox_cell(ui, lb, y, x, i, _(lb->cols[i].title),
		    ui_attr(ui, UA_HEADER));
	lb->page = h - 1 > 1 ? h - 1 : 1;
	if (listbox_total(lb) > lb->page && lb->page > 2)
		lb->page--;	/* the last row shows the position */
	if (lb->n == 0 && lb->nitems > 0 && lb->filter.len > 0) {
		keys_name(ACT_CLEAR, key, sizeof key);
		snprintf(none, sizeof none, _("Nothing matches the filter. "
		    "Press %s to clear it."), key);
		ui_put(ui, y + 2, x + 1, w - 2, none, ui_attr(ui, UA_DIM));
		return;
	}
	if (lb->n == 0) {
		if (lb->empty != NULL)
			ui_put(ui, y + 2, x + 1, w - 2, lb->empty,
			    ui_attr(ui, UA_DIM));
		return;
	}
	if (lb->sel < lb->top)
		lb->top = lb->sel;
	if (lb->sel >= lb->top + lb->page)
		lb->top = lb->sel - lb->page + 1;
	for (row = 0; row < lb->page && lb->top + row < lb->n; row++) {
		i = lb->top + row;
		attr = lb->show_sel && i == lb->sel ? ui_attr(ui, UA_SELECTED) :
		    0;
		if (attr != 0)
			ui_put(ui, y + 1 + row, x, w, "", attr);
		lb->row(ui, lb->arg, lb->text != NULL ? lb->rows[i] : i,
		    y + 1 + row, x, lb->widths, attr);
	}
	if (lb->fetching && row < lb->page)
		ui_put(ui, y + 1 + row, x, w, _("loading…"),
		    ui_attr(ui, UA_DIM));
	if (listbox_total(lb) > lb->page)
		listbox_position(ui, lb, y + lb->page + 1, x, w);
}

int
listbox_key(struct listbox *lb, enum action a)
{
	int	page = lb->page > 1 ? lb->page - 1 : 1, to;
	int	from = lb->want > 0 ? lb->want : lb->sel; /* keys add up */

	switch (a) {
	case ACT_UP:
		to = from - 1;
		break;
	case ACT_DOWN:
		to = from + 1;
		break;
	case ACT_PGUP:
		to = from - page;
		break;
	case ACT_PGDN:
		to = from + page;
		break;
	default:
		return 0;
	}
	/* Past the rows here: go there when the next page comes. */
	lb->want = to >= lb->n && lb->more != NULL && lb->more_rows ? to : 0;
	lb->sel = to >= lb->n ? lb->n - 1 : to;
	if (lb->sel < 0)
		lb->sel = 0;
	lb->show_sel = 1;
	listbox_prefetch(lb);
	return 1;
}

/* ---- wrapped text ---- */

int
ui_put_wrapped(struct ui *ui, int y, int x, int w, int max, const char *s,
    int attr)
{
	char		 line[1024];
	const char	*next;
	size_t		 n;
	int		 i;

	for (i = 0; i < max && *s != '\0'; i++) {
		n = utf8_wrap(s, w, &next);
		if (i == max - 1 && *next != '\0') {
			put_fit(ui, y + i, x, w, s, 0, attr);	/* all the rest */
			return i + 1;
		}
		while (n >= sizeof line)
			n -= utf8_prev(s, n);
		snprintf(line, sizeof line, "%.*s", (int)n, s);
		ui_put(ui, y + i, x, w, line, attr);
		s = next;
	}
	return i;
}

int
ui_wrap_rows(const char *s, int w, int max)
{
	int	i;

	for (i = 0; i < max && *s != '\0'; i++)
		utf8_wrap(s, w, &s);
	return i;
}

/* ---- confirm ---- */

struct confirm {
	char		 question[512];
	confirm_cb	*cb;
	void		*arg;
	int		 yes;	/* the highlighted button */
};

static void
confirm_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct confirm	*c = s->data;
	int		 bw = w > 64 ? 60 : w - 4, lines, bh, by, bx;
	char		 yes[64], no[64];

	/* The box grows with the question, up to what the screen holds. */
	lines = ui_wrap_rows(c->question, bw - 4, h - 6 > 3 ? h - 6 : 3);
	bh = lines + 5 > 8 ? lines + 5 : 8;
	by = y + (h - bh) / 2;
	bx = (w - bw) / 2;
	ui_box(ui, by, bx, bh, bw, _("Please confirm"));
	ui_put_wrapped(ui, by + 2, bx + 2, bw - 4, lines, c->question,
	    A_NORMAL);
	snprintf(yes, sizeof yes, "[ %s (y) ]", _("Yes"));
	snprintf(no, sizeof no, "[ %s (n) ]", _("No"));
	ui_put(ui, by + bh - 2, bx + 4, utf8_width(yes), yes,
	    c->yes ? ui_attr(ui, UA_SELECTED) : 0);
	ui_put(ui, by + bh - 2, bx + bw - 4 - utf8_width(no), utf8_width(no),
	    no, c->yes ? 0 : ui_attr(ui, UA_SELECTED));
}

static int
confirm_key(struct ui *ui, struct screen *s, enum action a, wint_t ch,
    int fkey)
{
	struct confirm	*c = s->data;
	confirm_cb	*cb = c->cb;
	void		*arg = c->arg;

	if (a == ACT_OPEN)
		a = c->yes ? ACT_YES : ACT_NO;
	switch (a) {
	case ACT_YES:
		ui_pop(ui);
		cb(ui, arg);
		return 1;
	case ACT_NO:
	case ACT_BACK:
		ui_pop(ui);
		return 1;
	case ACT_NEXT:
	case ACT_PREV:
		c->yes = !c->yes;
		return 1;
	case ACT_NONE:
		if (fkey && (ch == KEY_LEFT || ch == KEY_RIGHT))
			c->yes = !c->yes;
		return 1;
	default:
		return a != ACT_HELP;
	}
}

static void
confirm_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops confirm_ops = {
	.draw = confirm_draw,
	.key = confirm_key,
	.free = confirm_free,
};

void
ui_confirm(struct ui *ui, const char *question, confirm_cb *cb, void *arg)
{
	struct confirm	*c = xcalloc(1, sizeof *c);
	struct screen	*s;

	snprintf(c->question, sizeof c->question, "%s", question);
	c->cb = cb;
	c->arg = arg;
	s = ui_screen_create(ui, &confirm_ops, MAP_CONFIRM, c);
	s->modal = 1;
	ui_push(ui, s);
}

/* ---- prompt ---- */

struct prompt {
	char		 title[256];
	char		 label[256];
	struct ui_text	 text;
	prompt_cb	*cb;
	void		*arg;
};

static void
prompt_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct prompt	*p = s->data;
	int		 bw = w > 64 ? 60 : w - 4, lines, bh, by, bx;

	lines = ui_wrap_rows(p->label, bw - 4, 3);
	bh = lines + 6;
	by = y + (h - bh) / 2;
	bx = (w - bw) / 2;
	ui_box(ui, by, bx, bh, bw, p->title);
	ui_put_wrapped(ui, by + 2, bx + 2, bw - 4, lines, p->label, A_NORMAL);
	text_draw(ui, &p->text, by + 3 + lines, bx + 2, bw - 4,
	    ui_attr(ui, UA_FIELD_FOCUS), 1);
}

static int
prompt_key(struct ui *ui, struct screen *s, enum action a, wint_t ch,
    int fkey)
{
	struct prompt	*p = s->data;
	prompt_cb	*cb = p->cb;
	void		*arg = p->arg;
	char		 text[TEXT_MAX];

	switch (a) {
	case ACT_OPEN:
		snprintf(text, sizeof text, "%s", p->text.buf);
		ui_pop(ui);
		cb(ui, text, arg);
		explicit_bzero(text, sizeof text);
		return 1;
	case ACT_BACK:
		ui_pop(ui);
		return 1;
	case ACT_NONE:
		text_key(&p->text, ch, fkey);
		return 1;
	default:
		return a != ACT_HELP;
	}
}

static void
prompt_free(struct screen *s)
{
	explicit_bzero(s->data, sizeof(struct prompt));
	free(s->data);
}

static const struct screen_ops prompt_ops = {
	.draw = prompt_draw,
	.key = prompt_key,
	.free = prompt_free,
};

void
ui_prompt(struct ui *ui, const char *title, const char *label, int masked,
    prompt_cb *cb, void *arg)
{
	struct prompt	*p = xcalloc(1, sizeof *p);
	struct screen	*s;

	snprintf(p->title, sizeof p->title, "%s", title);
	snprintf(p->label, sizeof p->label, "%s", label);
	p->text.masked = masked;
	p->cb = cb;
	p->arg = arg;
	s = ui_screen_create(ui, &prompt_ops, MAP_PROMPT, p);
	s->modal = 1;
	s->typing = 1;
	ui_push(ui, s);
}

/* ---- help ---- */

struct help {
	unsigned	map;
	int		top;
};

static void
help_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct help		*hp = s->data;
	const struct keydef	*d;
	const char		*foot = _("Typing in a field: Left/Right move, "
				    "Backspace deletes, ^U clears. Esc closes "
				    "this help.");
	char			 keys[64];
	int			 a, row = 0, line = 0, nfoot;

	ui_put(ui, y, 1, w - 2, _("Help: keys on this screen"),
	    ui_attr(ui, UA_TITLE));
	nfoot = ui_wrap_rows(foot, w - 2, 3);
	for (a = 1; a < ACT__COUNT && row < h - 2 - nfoot; a++) {
		if ((d = keys_def((enum action)a)) == NULL || !(d->maps & hp->map))
			continue;
		if (line++ < hp->top)
			continue;
		keys_names((enum action)a, hp->map, keys, sizeof keys);
		ui_put(ui, y + 2 + row, 3, 18, keys, A_BOLD);
		ui_put(ui, y + 2 + row, 22, w - 24, _(d->label), A_NORMAL);
		row++;
	}
	ui_put_wrapped(ui, y + h - nfoot, 1, w - 2, nfoot, foot,
	    ui_attr(ui, UA_DIM));
}

static int
help_key(struct ui *ui, struct screen *s, enum action a, wint_t ch, int fkey)
{
	struct help	*hp = s->data;

	if (a == ACT_DOWN || a == ACT_PGDN)
		hp->top++;
	else if ((a == ACT_UP || a == ACT_PGUP) && hp->top > 0)
		hp->top--;
	else if (a == ACT_REDRAW)
		return 0;
	else
		ui_pop(ui);
	return 1;
}

static void
help_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops help_ops = {
	.draw = help_draw,
	.key = help_key,
	.free = help_free,
};

void
ui_help(struct ui *ui, unsigned map)
{
	struct help	*hp = xcalloc(1, sizeof *hp);

	hp->map = map;
	ui_push(ui, ui_screen_create(ui, &help_ops, MAP_HELP, hp));
}
