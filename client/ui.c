/*
 * The terminal UI: curses set-up, the screen stack, the status line, the
 * message line and the key bar, and the glue to the event loop.
 *
 * The UI runs on the client's event loop: standard input is one more
 * descriptor on it, and keys are read with wget_wch until there are none
 * left (so a scanner's burst or an input method's Chinese characters arrive
 * whole).  The before-sleep hook reads keys curses buffered, notices
 * KEY_RESIZE after SIGWINCH and redraws when something changed.  During a
 * blocking call standard input is not watched, so keys wait in the terminal
 * and nothing runs twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

#define UI_SPIN_MS	150

static void	ui_draw(struct ui *);

/* ---- error text by code ---- */

struct err_text {
	enum err_code	 code;
	const char	*field;		/* NULL: any field */
	const char	*text;		/* N_() */
};

/* Known fields first: the message a clerk can act on. */
static const struct err_text field_errs[] = {
	{ ERR_INVALID, "phone", N_("Invalid phone number") },
	{ ERR_CONFLICT, "phone",
	    N_("This phone number already belongs to another member") },
	{ ERR_INVALID, "name", N_("Enter a name of at most 40 characters") },
	{ ERR_INVALID, "birthday", N_("Invalid date: a past date, YYYY-MM-DD") },
	{ ERR_INVALID, "birth_date", N_("Invalid date: a past date, YYYY-MM-DD") },
	{ ERR_INVALID, "adoption_date",
	    N_("Invalid date: a past date, YYYY-MM-DD") },
	{ ERR_INVALID, "card_no", N_("Invalid card number") },
	{ ERR_CONFLICT, "card_no", N_("This card number is already in use") },
	{ ERR_NOT_FOUND, "card_no", N_("No member with this card number") },
	{ ERR_INVALID, "referral_code", N_("Unknown referral code") },
	{ ERR_NOT_FOUND, "referral_code", N_("Unknown referral code") },
	{ ERR_INVALID, "branch", N_("Unknown branch") },
	{ ERR_NOT_FOUND, "branch", N_("Unknown branch") },
	{ ERR_INVALID, "species", N_("Please choose a species") },
	{ ERR_INVALID, "weight_g", N_("Invalid weight") },
	{ ERR_INVALID, "microchip", N_("Invalid microchip number") },
	{ ERR_CONFLICT, "microchip",
	    N_("This microchip is already registered to another pet") },
	{ ERR_INVALID, "password",
	    N_("Password too weak: at least 8 characters, or a PIN of 6 digits") },
	{ ERR_UNAUTHENTICATED, "password", N_("Wrong staff id or password") },
	{ ERR_UNAUTHENTICATED, "old_password", N_("Wrong current password") },
	{ ERR_INVALID, "old_password",
	    N_("Your current password is needed to change your own") },
	{ ERR_CONFLICT, "id", N_("This id is already taken") },
	{ ERR_INVALID, "id", N_("Invalid id") },
	{ ERR_NOT_FOUND, "id", N_("Not found: it may have been removed") },
	{ ERR_INVALID, "role", N_("Unknown role") },
	{ ERR_FORBIDDEN, "role", N_("You may not give this role") },
	{ ERR_INVALID, "text", N_("Please write the feedback") },
	{ ERR_INVALID, "kind", N_("Choose good or bad") },
};

static const char *const code_errs[ERR__COUNT] = {
	[ERR_BAD_REQUEST] = N_("The server refused the request"),
	[ERR_INVALID] = N_("Invalid value"),
	[ERR_UNAUTHENTICATED] = N_("Please log in again"),
	[ERR_FORBIDDEN] = N_("Your role may not do this"),
	[ERR_NOT_FOUND] = N_("Not found"),
	[ERR_CONFLICT] = N_("Already exists"),
	[ERR_RATE_LIMITED] = N_("Too many requests: wait a moment"),
	[ERR_INTERNAL] = N_("Server error: nothing was changed"),
	[ERR_LOCKED] =
	    N_("Account locked after too many failed logins: try again in 15 minutes"),
	[ERR_UNAVAILABLE] = N_("The server did not answer in time"),
	[ERR_NO_METHOD] = N_("The server does not offer this yet"),
	[ERR_DISCONNECTED] = N_("No connection to the server"),
	[ERR_APPROVAL_REQUIRED] = N_("A manager must approve this"),
};

const char *
client_err_text(const struct client_err *e)
{
	static char	 buf[512];
	size_t		 i;

	for (i = 0; i < sizeof field_errs / sizeof field_errs[0]; i++) {
		if (field_errs[i].code == e->code &&
		    strcmp(field_errs[i].field, e->field) == 0)
			return _(field_errs[i].text);
	}
	if ((unsigned)e->code < ERR__COUNT && code_errs[e->code] != NULL &&
	    strcmp(e->word, err_word(e->code)) == 0)
		return _(code_errs[e->code]);
	/* A code this client does not know: the server's English. */
	snprintf(buf, sizeof buf, "%s (%s)", e->message, e->word);
	return buf;
}

/* ---- JSON helpers ---- */

const char *
jstr(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

long long
jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

int
jbool(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_true(v) || (json_is_integer(v) && json_integer_value(v));
}

void
ui_date(long long epoch, char *buf, size_t len)
{
	time_t		t = (time_t)epoch;
	struct tm	tm;

	if (epoch <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%Y-%m-%d", &tm);
}

/* ---- drawing helpers ---- */

int
ui_attr(struct ui *ui, enum ui_attr a)
{
	return ui->attrs[a];
}

/* Columns taken by the first n bytes of s. */
static int
width_n(const char *s, size_t n)
{
	char	buf[TEXT_MAX * 2];

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return utf8_width(buf);
}

void
ui_put(struct ui *ui, int y, int x, int w, const char *s, int attr)
{
	size_t	n;
	int	used;

	if (w <= 0)
		return;
	if (s == NULL)
		s = "";
	n = utf8_chop(s, w);
	used = width_n(s, n);
	attrset(attr);
	mvaddnstr(y, x, s, (int)n);
	for (; used < w; used++)
		addch(' ');
	attrset(A_NORMAL);
}

void
ui_put_right(struct ui *ui, int y, int x, int w, const char *s, int attr)
{
	int	sw = utf8_width(s);

	if (sw >= w) {
		ui_put(ui, y, x, w, s, attr);
		return;
	}
	ui_put(ui, y, x, w - sw, "", attr);
	ui_put(ui, y, x + w - sw, sw, s, attr);
}

void
ui_put_center(struct ui *ui, int y, int x, int w, const char *s, int attr)
{
	int	sw = utf8_width(s);

	if (sw >= w)
		ui_put(ui, y, x, w, s, attr);
	else
		ui_put(ui, y, x + (w - sw) / 2, sw, s, attr);
}

void
ui_box(struct ui *ui, int y, int x, int h, int w, const char *title)
{
	int	i, attr = ui_attr(ui, UA_MODAL);

	for (i = 0; i < h; i++)
		ui_put(ui, y + i, x, w, "", attr);
	attrset(attr);
	mvadd_wch(y, x, WACS_ULCORNER);
	mvhline_set(y, x + 1, WACS_HLINE, w - 2);
	mvadd_wch(y, x + w - 1, WACS_URCORNER);
	mvvline_set(y + 1, x, WACS_VLINE, h - 2);
	mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 2);
	mvadd_wch(y + h - 1, x, WACS_LLCORNER);
	mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
	mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
	attrset(A_NORMAL);
	if (title != NULL && *title != '\0') {
		int	tw = utf8_width(title) + 2;

		if (tw > w - 4)
			tw = w - 4;
		ui_put(ui, y, x + 2, 1, " ", attr | A_BOLD);
		ui_put(ui, y, x + 3, tw - 2, title, attr | A_BOLD);
		ui_put(ui, y, x + 1 + tw, 1, " ", attr | A_BOLD);
	}
}

void
ui_show_cursor(struct ui *ui, int y, int x)
{
	ui->cur_y = y;
	ui->cur_x = x;
}

/* Colours when the terminal has them, else reverse/bold/underline. */
static void
ui_init_attrs(struct ui *ui)
{
	int	*a = ui->attrs;

	ui->colors = has_colors() && start_color() == OK;
	if (ui->colors) {
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_BLACK, COLOR_CYAN);
		init_pair(3, COLOR_RED, -1);
		init_pair(4, COLOR_GREEN, -1);
		init_pair(5, COLOR_YELLOW, -1);
		init_pair(6, COLOR_CYAN, -1);
		a[UA_STATUS] = COLOR_PAIR(1) | A_BOLD;
		a[UA_BAR_KEY] = A_BOLD;
		a[UA_BAR_LABEL] = COLOR_PAIR(2);
		a[UA_TITLE] = COLOR_PAIR(6) | A_BOLD;
		a[UA_SELECTED] = A_REVERSE;
		a[UA_ERROR] = COLOR_PAIR(3) | A_BOLD;
		a[UA_OK] = COLOR_PAIR(4);
		a[UA_FIELD] = A_UNDERLINE;
		a[UA_FIELD_FOCUS] = A_UNDERLINE | A_BOLD | COLOR_PAIR(5);
		a[UA_DIM] = A_DIM;
		a[UA_HEADER] = A_BOLD | COLOR_PAIR(6);
		a[UA_TAB] = A_NORMAL;
		a[UA_TAB_ACTIVE] = A_REVERSE | A_BOLD;
		a[UA_MODAL] = A_NORMAL;
	} else {
		a[UA_STATUS] = A_REVERSE;
		a[UA_BAR_KEY] = A_REVERSE;
		a[UA_BAR_LABEL] = A_NORMAL;
		a[UA_TITLE] = A_BOLD;
		a[UA_SELECTED] = A_REVERSE;
		a[UA_ERROR] = A_BOLD;
		a[UA_OK] = A_NORMAL;
		a[UA_FIELD] = A_UNDERLINE;
		a[UA_FIELD_FOCUS] = A_UNDERLINE | A_BOLD;
		a[UA_DIM] = A_NORMAL;
		a[UA_HEADER] = A_BOLD;
		a[UA_TAB] = A_NORMAL;
		a[UA_TAB_ACTIVE] = A_REVERSE;
		a[UA_MODAL] = A_NORMAL;
	}
}

/* ---- the screen stack ---- */

struct screen *
ui_screen_create(struct ui *ui, const struct screen_ops *ops, unsigned map,
    void *data)
{
	struct screen	*s = xcalloc(1, sizeof *s);

	s->ops = ops;
	s->ui = ui;
	s->map = map;
	s->data = data;
	return s;
}

void
ui_push(struct ui *ui, struct screen *s)
{
	s->below = ui->top;
	ui->top = s;
	ui->dirty = 1;
}

static void
screen_free(struct screen *s)
{
	if (s->ops->free != NULL)
		s->ops->free(s);
	free(s);
}

void
ui_pop(struct ui *ui)
{
	struct screen	*s = ui->top;

	if (s == NULL)
		return;
	ui->top = s->below;
	screen_free(s);
	ui->dirty = 1;
	if (ui->top != NULL && ui->top->ops->resume != NULL && !ui->quit &&
	    ui->logged_in)
		ui->top->ops->resume(ui, ui->top);
}

void
ui_remove(struct ui *ui, struct screen *s)
{
	struct screen	**pp;

	if (ui->top == s) {
		ui_pop(ui);
		return;
	}
	for (pp = &ui->top; *pp != NULL; pp = &(*pp)->below) {
		if (*pp == s) {
			*pp = s->below;
			screen_free(s);
			ui->dirty = 1;
			return;
		}
	}
}

void
ui_dirty(struct ui *ui)
{
	ui->dirty = 1;
}

void
ui_msg(struct ui *ui, int err, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_err = err;
	ui->msg_conn = 0;
	ui->dirty = 1;
}

int
ui_has_method(struct ui *ui, const char *prefix)
{
	size_t	 i, n = strlen(prefix);
	json_t	*v;

	json_array_foreach(ui->methods, i, v) {
		if (strncmp(json_string_value(v), prefix, n) == 0)
			return 1;
	}
	return 0;
}

int
ui_is_manager(struct ui *ui)
{
	return strcmp(ui->role, "manager") == 0 ||
	    strcmp(ui->role, "hq_admin") == 0;
}

/* ---- calls ---- */

void
ui_busy(struct ui *ui, int on)
{
	if (on) {
		ui->busy = 1;
		ui->busy_text = _("working…");
		ui_draw(ui);
		loop_set_fd(ui->loop, STDIN_FILENO, 0);
	} else {
		loop_set_fd(ui->loop, STDIN_FILENO, LOOP_READ);
		ui->busy = 0;
		ui->busy_text = NULL;
		ui->dirty = 1;
		if (ui->relogin) {
			ui->relogin = 0;
			ui_login_push(ui, ui->staff, 1);
		}
	}
}

json_t *
ui_call(struct ui *ui, const char *method, json_t *params,
    struct client_err *err)
{
	json_t	*res;

	ui_busy(ui, 1);
	res = client_call(ui->client, method, params, err);
	ui_busy(ui, 0);
	return res;
}

/* Turn the spinner while async calls are in flight. */
static void
ui_spin(void *arg)
{
	struct ui	*ui = arg;

	ui->spin_timer = 0;
	if (ui->pending == 0)
		return;
	ui->spin++;
	ui->dirty = 1;
	ui->spin_timer = loop_add_timer(ui->loop, UI_SPIN_MS, ui_spin, ui);
}

uint32_t
ui_call_async(struct ui *ui, const char *method, json_t *params,
    client_cb *cb, void *arg)
{
	uint32_t	id;

	if (ui->spin_timer == 0)
		ui->spin_timer = loop_add_timer(ui->loop, UI_SPIN_MS, ui_spin,
		    ui);
	ui->pending++;
	ui->dirty = 1;
	id = client_call_async(ui->client, method, params, cb, arg);
	return id;
}

void
ui_call_done(struct ui *ui)
{
	if (ui->pending > 0)
		ui->pending--;
	ui->dirty = 1;
}

static void
methods_done(json_t *res, const struct client_err *err, void *arg)
{
	struct ui	*ui = arg;
	json_t		*m;
	size_t		 i;

	ui_call_done(ui);
	if (res == NULL)
		return;
	json_array_clear(ui->methods);
	json_object_clear(ui->decls);
	json_array_foreach(json_object_get(res, "methods"), i, m) {
		json_t	*name = json_object_get(m, "name");

		if (!json_is_string(name))
			continue;
		json_array_append(ui->methods, name);
		json_object_set(ui->decls, json_string_value(name), m);
	}
}

void
ui_logged_in(struct ui *ui, json_t *who)
{
	snprintf(ui->staff, sizeof ui->staff, "%s", jstr(who, "staff"));
	snprintf(ui->staff_name, sizeof ui->staff_name, "%s", jstr(who, "name"));
	snprintf(ui->role, sizeof ui->role, "%s", jstr(who, "role"));
	snprintf(ui->branch, sizeof ui->branch, "%s", jstr(who, "branch"));
	snprintf(ui->device_branch, sizeof ui->device_branch, "%s",
	    jstr(who, "device_branch"));
	ui->logged_in = 1;
	ui_call_async(ui, "system.methods", NULL, methods_done, ui);
	ui->msg[0] = '\0';
}

/* ---- the connection, said plainly ---- */

/* What stops a connection for a while; the client keeps trying. */
static const char *const down_causes[DOWN__COUNT] = {
	[DOWN_REFUSED] = N_("connection refused (is pawd running?)"),
	[DOWN_UNREACHABLE] = N_("network or host unreachable"),
	[DOWN_TIMEOUT] = N_("no answer in time"),
	[DOWN_NO_HOST] = N_("unknown host name"),
	[DOWN_CLOSED] = N_("the server closed the connection"),
	[DOWN_BUSY] = N_("the server is busy or shutting down"),
	[DOWN_PROTOCOL] = N_("the server does not speak this client's protocol"),
	[DOWN_SSH] = N_("the ssh command failed"),
	[DOWN_NO_SERVER] = N_("no server set: run paw enroll HOST:PORT CODE"),
};

/* What stops it for good: a box once, then the status and message lines. */
struct conn_alert {
	const char	*title;		/* N_() */
	const char	*text;		/* N_(): what happened, what to do */
	const char	*status;	/* N_(): the status line, short */
	const char	*line;		/* N_(): the message line */
};

static const struct conn_alert conn_alerts[DOWN__COUNT] = {
	[DOWN_REVOKED] = {
	    N_("This device has been revoked"),
	    N_("HQ has revoked this device: the server refuses it, so it "
	    "stays offline and does not try again.\n\nAsk HQ to enroll it "
	    "again: HQ makes a new code (pawd enroll) and you run paw enroll "
	    "HOST:PORT CODE on this machine."),
	    N_("device revoked"),
	    N_("This device has been revoked: ask HQ to enroll it again "
	    "(paw enroll)."),
	},
	[DOWN_UNKNOWN_DEVICE] = {
	    N_("This device is not enrolled"),
	    N_("The server does not know this device's key, so it refuses "
	    "the connection; the client does not try again.\n\nAsk HQ to "
	    "enroll this device: HQ makes a code (pawd enroll) and you run "
	    "paw enroll HOST:PORT CODE on this machine."),
	    N_("device not enrolled"),
	    N_("The server does not know this device: ask HQ to enroll it "
	    "(paw enroll)."),
	},
	[DOWN_KEY_MISMATCH] = {
	    N_("Server key mismatch"),
	    N_("The server presented another key than the one this device "
	    "pinned when it was enrolled:"),
	    N_("wrong server key"),
	    N_("Server key mismatch: not connecting. Call HQ before you log "
	    "in."),
	},
};

static const char *
ui_server_name(struct ui *ui)
{
	return ui->conf->ssh ? ui->conf->ssh : ui->conf->server ?
	    ui->conf->server : "-";
}

/* A key's short fingerprint: its first 32 hex digits, in groups of four. */
static void
key_fingerprint(const uint8_t key[32], char *buf)
{
	static const char	hex[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < 16; i++) {
		*buf++ = hex[key[i] >> 4];
		*buf++ = hex[key[i] & 0xf];
		if (i % 2 == 1)
			*buf++ = i < 15 ? ' ' : '\0';
	}
}

/* Append label, padded to width columns, and a fingerprint as one line. */
static void
key_line(char *buf, size_t len, const char *label, int width,
    const uint8_t key[32])
{
	char	fp[40];
	size_t	n = strlen(buf);
	int	pad = width - utf8_width(label);

	key_fingerprint(key, fp);
	snprintf(buf + n, len - n, "  %s%*s  %s\n", label, pad > 0 ? pad : 0,
	    "", fp);
}

/* The text of the box for a final cause (paragraphs split by \n). */
static void
alert_text(struct ui *ui, char *buf, size_t len)
{
	const char	*pinned = _("pinned:"), *shown = _("presented:");
	size_t		 n;
	int		 w = utf8_width(pinned) > utf8_width(shown) ?
			    utf8_width(pinned) : utf8_width(shown);

	snprintf(buf, len, "%s\n", _(conn_alerts[ui->down].text));
	if (ui->down != DOWN_KEY_MISMATCH)
		return;
	n = strlen(buf);
	snprintf(buf + n, len - n, "\n");
	key_line(buf, len, pinned, w, ui->conf->server_key);
	key_line(buf, len, shown, w, client_presented_key(ui->client));
	n = strlen(buf);
	snprintf(buf + n, len - n, "\n%s", _("This may be an attack (someone "
	    "between this device and HQ posing as the server), or HQ has "
	    "reinstalled the server. Do not log in. Call HQ to compare the "
	    "keys (pawd pubkey prints the server's); after a reinstall HQ "
	    "enrolls this device again (paw enroll). The client does not "
	    "reconnect."));
}

/* Part of a word of Latin text, which a line must not split. */
static int
in_word(char ch)
{
	return ch != ' ' && (unsigned char)ch < 0x80;
}

/*
 * Break text into lines of at most w columns: at newlines, before a word of
 * Latin text that does not fit, anywhere in Chinese.  Returns the number of
 * lines put in starts and lens, at most max.
 */
static int
ui_wrap(const char *s, int w, const char **starts, int *lens, int max)
{
	size_t	plen, cut, k;
	int	n = 0;

	while (n < max) {
		plen = strcspn(s, "\n");
		do {
			if ((cut = utf8_chop(s, w)) > plen)
				cut = plen;
			if (cut > 0 && cut < plen && in_word(s[cut]) &&
			    in_word(s[cut - 1])) {
				for (k = cut; k > 0 && in_word(s[k - 1]); k--)
					;
				if (k > 0)
					cut = k;
			}
			if (cut == 0)
				cut = plen;	/* narrower than a character */
			starts[n] = s;
			lens[n++] = (int)cut;
			s += cut;
			plen -= cut;
			for (; plen > 0 && *s == ' '; plen--)
				s++;
		} while (plen > 0 && n < max);
		if (*s == '\0')
			break;
		s++;
	}
	return n;
}

#define ALERT_LINES	24

static void
alert_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	const char	*starts[ALERT_LINES];
	char		 text[2048], line[512], hint[256], k[16];
	int		 lens[ALERT_LINES], n, i, bw, bh, by, bx;

	alert_text(ui, text, sizeof text);
	bw = w - 4 < 72 ? w - 4 : 72;
	n = ui_wrap(text, bw - 6, starts, lens, ALERT_LINES);
	while (n > 0 && lens[n - 1] == 0)
		n--;
	if ((bh = n + 5) > h)
		bh = h;
	by = y + (h - bh) / 2;
	bx = (w - bw) / 2;
	ui_box(ui, by, bx, bh, bw, _(conn_alerts[ui->down].title));
	for (i = 0; i < n && i < bh - 5; i++) {
		snprintf(line, sizeof line, "%.*s", lens[i], starts[i]);
		ui_put(ui, by + 2 + i, bx + 3, bw - 6, line,
		    ui_attr(ui, UA_MODAL));
	}
	keys_name(ACT_QUIT, k, sizeof k);
	snprintf(hint, sizeof hint, _("Any key: close this message   %s: quit"),
	    k);
	ui_put(ui, by + bh - 2, bx + 3, bw - 6, hint, ui_attr(ui, UA_DIM));
}

static int
alert_key(struct ui *ui, struct screen *s, enum action a, wint_t ch, int fkey)
{
	/* The quit key of the screens below quits from here too. */
	if (keys_lookup(MAP_HOME, (int)ch, fkey, 0) == ACT_QUIT)
		ui->quit = 1;
	else
		ui_remove(ui, s);
	return 1;
}

static const struct screen_ops alert_ops = {
	.draw = alert_draw,
	.key = alert_key,
};

/* The connection went down: say why, unless the clerk is told otherwise. */
static void
ui_conn_down(struct ui *ui)
{
	int		 d = client_down(ui->client);
	const char	*cause = _("cannot connect");

	if (DOWN_FINAL(d)) {
		if (ui->down == DOWN_NONE)
			ui->alert = 1;
		ui->down = d;
		return;
	}
	if (ui->msg[0] != '\0' && !ui->msg_conn)
		return;
	if (d == DOWN_SSH && *client_down_detail(ui->client) != '\0')
		/* ssh's own words name the host and fit the line better. */
		ui_msg(ui, 1, _("No connection: %s"),
		    client_down_detail(ui->client));
	else {
		if (down_causes[d] != NULL)
			cause = _(down_causes[d]);
		ui_msg(ui, 1, _("No connection to %s: %s"), ui_server_name(ui),
		    cause);
	}
	ui->msg_conn = 1;
}

/* ---- status line, message line, key bar ---- */

static const char *
ui_state_text(struct ui *ui)
{
	static const char	 frames[] = "-\\|/";
	static char		 buf[64];

	if (ui->busy_text != NULL)
		return ui->busy_text;
	switch (ui->state) {
	case CLIENT_UP:
		if (ui->pending == 0)
			return _("online");
		snprintf(buf, sizeof buf, "%s %c", _("working…"),
		    frames[ui->spin % 4]);
		return buf;
	case CLIENT_CONNECTING:
		return _("connecting…");
	default:
		if (ui->down != DOWN_NONE)
			return _(conn_alerts[ui->down].status);
		return _("disconnected — reconnecting");
	}
}

static void
ui_draw_status(struct ui *ui, int w)
{
	char		 left[512];
	const char	*server = ui_server_name(ui);
	const char	*branch = ui->device_branch[0] ? ui->device_branch :
			    ui->conf->branch ? ui->conf->branch : "-";
	const char	*state = ui_state_text(ui);
	int		 sw = utf8_width(state) + 2;
	int		 attr = ui_attr(ui, UA_STATUS);

	if (ui->logged_in)
		snprintf(left, sizeof left, " %s | %s | %s %s | %s %s",
		    _("Pawprint"), server, _("Branch"), branch, ui->staff,
		    ui->staff_name);
	else
		snprintf(left, sizeof left, " %s | %s | %s %s", _("Pawprint"),
		    server, _("Branch"), branch);
	if (sw > w / 2)
		sw = w / 2;
	ui_put(ui, 0, 0, w - sw, left, attr);
	if (ui->state != CLIENT_UP && ui->busy_text == NULL)
		attr = ui->colors ? (ui_attr(ui, UA_STATUS) & ~A_COLOR) |
		    COLOR_PAIR(2) | A_BOLD : A_REVERSE | A_BOLD;
	ui_put_right(ui, 0, w - sw, sw - 1, state, attr);
	ui_put(ui, 0, w - 1, 1, " ", attr);
}

static void
ui_draw_bar(struct ui *ui, int y, int w, unsigned map)
{
	const struct keydef	*d;
	char			 key[16];
	const char		*label;
	int			 a, x = 0, kw, lw;

	move(y, 0);
	clrtoeol();
	for (a = 1; a < ACT__COUNT; a++) {
		if ((d = keys_def((enum action)a)) == NULL || !d->bar ||
		    !(d->maps & map))
			continue;
		if ((a == ACT_STAFF || a == ACT_DEVICES) && !ui_is_manager(ui))
			continue;
		keys_name((enum action)a, key, sizeof key);
		label = _(d->label);
		kw = utf8_width(key);
		lw = utf8_width(label);
		if (x + kw + lw + 1 > w)
			break;
		ui_put(ui, y, x, kw, key, ui_attr(ui, UA_BAR_KEY));
		ui_put(ui, y, x + kw, lw + 1, "", ui_attr(ui, UA_BAR_LABEL));
		ui_put(ui, y, x + kw + 1, lw, label, ui_attr(ui, UA_BAR_LABEL));
		x += kw + lw + 2;
	}
}

static void
ui_draw_screens(struct ui *ui, struct screen *s, int h, int w)
{
	if (s == NULL)
		return;
	if (s->modal)
		ui_draw_screens(ui, s->below, h, w);
	s->ops->draw(ui, s, 1, h - 3, w);
}

/*
 * The figures of the client (time to the login screen, keystroke to new
 * results) are measured from these lines by bench/tui.sh; the wall clock
 * lets the script compare them with the moment it started paw.
 */
void
ui_trace(struct ui *ui, const char *event)
{
	struct timespec	ts;

	if (ui->trace == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(ui->trace, "%lld.%06ld %s\n", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000, event);
	fflush(ui->trace);
}

static void
ui_draw(struct ui *ui)
{
	int	h, w;

	getmaxyx(stdscr, h, w);
	erase();
	ui->cur_y = ui->cur_x = -1;
	if (h < 10 || w < 40) {
		ui_put(ui, 0, 0, w, _("Terminal too small"), A_BOLD);
		refresh();
		return;
	}
	ui_draw_screens(ui, ui->top, h, w);
	ui_draw_status(ui, w);
	if (ui->down != DOWN_NONE)
		ui_put(ui, h - 2, 0, w, _(conn_alerts[ui->down].line),
		    ui_attr(ui, UA_ERROR));
	else if (ui->msg[0] != '\0')
		ui_put(ui, h - 2, 0, w, ui->msg,
		    ui->msg_err ? ui_attr(ui, UA_ERROR) : ui_attr(ui, UA_OK));
	if (ui->top != NULL)
		ui_draw_bar(ui, h - 1, w, ui->top->map);
	if (ui->cur_y >= 0 && !ui->busy) {
		curs_set(1);
		move(ui->cur_y, ui->cur_x);
	} else
		curs_set(0);
	refresh();
	ui->dirty = 0;
	ui_trace(ui, "draw");
}

/* ---- input ---- */

static void
ui_key(struct ui *ui, wint_t ch, int fkey)
{
	struct screen	*s = ui->top;
	enum action	 a;

	if (fkey && ch == KEY_RESIZE) {
		ui->dirty = 1;
		return;
	}
	if (s == NULL)
		return;
	if (!fkey && ch == 127)		/* DEL from most terminals */
		ch = KEY_BACKSPACE, fkey = 1;
	if (!fkey && ch == 8)
		ch = KEY_BACKSPACE, fkey = 1;
	a = keys_lookup(s->map, (int)ch, fkey, s->typing);
	ui->dirty = 1;
	ui_trace(ui, "key");
	if (a == ACT_REDRAW) {
		clearok(curscr, TRUE);
		return;
	}
	if (s->ops->key(ui, s, a, ch, fkey))
		return;
	if (a == ACT_HELP)
		ui_help(ui, s->map);
	else if (a == ACT_BACK && s->below != NULL)
		ui_pop(ui);
	else if (a == ACT_QUIT)
		ui->quit = 1;
}

/* Read every key curses has; stop at the first ERR. */
static void
ui_read_keys(struct ui *ui)
{
	wint_t	ch;
	int	r;

	while (!ui->busy && !ui->quit && (r = get_wch(&ch)) != ERR)
		ui_key(ui, ch, r == KEY_CODE_YES);
	if (ui->quit)
		loop_stop(ui->loop);
}

static void
ui_stdin(int fd, int events, void *arg)
{
	ui_read_keys(arg);
}

static void
ui_before_sleep(void *arg)
{
	struct ui	*ui = arg;
	struct screen	*s;

	/* Not inside a blocking call: its caller may pop the screen on top. */
	if (ui->alert && !ui->busy) {
		ui->alert = 0;
		s = ui_screen_create(ui, &alert_ops, MAP_HELP, NULL);
		s->modal = 1;
		ui_push(ui, s);
	}
	/* During a blocking call keys wait, but the status line still moves. */
	if (!ui->busy)
		ui_read_keys(ui);
	if (ui->dirty && !ui->quit)
		ui_draw(ui);
}


/* Why the session ended, when the server said: HQ changed the account. */
static const char *
session_ended_text(const char *closing)
{
	static const struct {
		const char	*reason;
		const char	*text;
	} texts[] = {
		{ "role changed", N_("HQ changed your role: please log in "
		    "again. Open forms are kept.") },
		{ "branch changed", N_("HQ moved you to another branch: please "
		    "log in again. Open forms are kept.") },
		{ "password changed", N_("Your password was changed: please log "
		    "in again. Open forms are kept.") },
		{ "account disabled", N_("Your account has been disabled: ask "
		    "your manager or HQ.") },
	};
	size_t	i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (strcmp(closing, texts[i].reason) == 0)
			return _(texts[i].text);
	}
	return _("The session ended: please log in again. Open forms are "
	    "kept.");
}

static void
ui_state_changed(int state, const char *detail, void *arg)
{
	struct ui	*ui = arg;
	struct screen	*s;

	ui->state = state;
	ui->dirty = 1;
	if (state == CLIENT_DOWN)
		ui_conn_down(ui);
	if (state == CLIENT_UP && ui->msg_conn && detail != NULL &&
	    strcmp(detail, "connected") == 0)
		ui->msg[0] = '\0';	/* the trouble at start-up is over */
	if (state == CLIENT_UP && detail != NULL &&
	    strcmp(detail, "login_required") == 0 && ui->logged_in) {
		ui->logged_in = 0;
		ui_msg(ui, 1, "%s",
		    session_ended_text(client_closing(ui->client)));
		if (!ui->busy)
			ui_login_push(ui, ui->staff, 1);
		else
			ui->relogin = 1;	/* when the call returns */
	}
	if (state == CLIENT_UP && detail != NULL &&
	    strcmp(detail, "resumed") == 0) {
		ui_msg(ui, 0, "%s", _("Connection restored."));
		ui->msg_conn = 1;
	}
	for (s = ui->top; s != NULL; s = s->below) {
		if (s->ops->state != NULL)
			s->ops->state(ui, s, state);
	}
}

static void
ui_curses_start(struct ui *ui)
{
	set_escdelay(60);
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	keys_setup(ui->conf->fkeys == 0 ? -1 : ui->conf->fkeys == 1);
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	ui_init_attrs(ui);
	curs_set(0);
}

int
ui_main(struct paw_conf *conf, const char *user)
{
	struct ui		 ui = { 0 };

	if (!conf->have_key || !conf->have_server_key) {
		fprintf(stderr, "%s\n", _("paw: this device is not enrolled: "
		    "run paw enroll HOST:PORT CODE"));
		return 1;
	}
	ui.conf = conf;
	if (getenv("PAW_TRACE") != NULL)
		ui.trace = fopen(getenv("PAW_TRACE"), "ae");
	ui.loop = loop_create();
	ui.client = client_create(ui.loop, conf);
	ui.methods = json_array();
	ui.decls = json_object();
	client_on_state(ui.client, ui_state_changed, &ui);
	ui_curses_start(&ui);
	loop_add_fd(ui.loop, STDIN_FILENO, LOOP_READ, ui_stdin, &ui);
	loop_set_before_sleep(ui.loop, ui_before_sleep, &ui);
	ui_login_push(&ui, user, 0);
	/* Connect on the loop: the login screen takes keys meanwhile. */
	client_set_autoreconnect(ui.client, 1);
	ui_draw(&ui);
	loop_run(ui.loop);
	ui.quit = 1;
	while (ui.top != NULL)
		ui_pop(&ui);
	endwin();
	if (ui.logged_in)
		client_logout(ui.client);
	client_free(ui.client);
	if (ui.spin_timer != 0)
		loop_del_timer(ui.loop, ui.spin_timer);
	loop_del_fd(ui.loop, STDIN_FILENO);
	loop_free(ui.loop);
	json_decref(ui.methods);
	json_decref(ui.decls);
	if (ui.trace != NULL)
		fclose(ui.trace);
	return 0;
}
