/*
 * The login screen: staff id and password (masked).  Failures are said by
 * error code (wrong id or password, never which of the two; locked
 * account; no connection), never with the server's English.  After a session expired
 * the same screen opens over the open screens, so no form is lost.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ui.h"
#include "xmalloc.h"

struct login {
	struct ui_text	 id;
	struct ui_text	 pw;
	int		 focus;		/* 0 id, 1 password */
	int		 relogin;
	char		 err[256];
};

static void
login_draw(struct ui *ui, struct screen *s, int y, int h, int w)
{
	struct login	*l = s->data;
	int		 bw = w > 64 ? 60 : w - 4, bh = 11;
	int		 by = y + (h - bh) / 2, bx = (w - bw) / 2, lw = 14;
	char		 hint[256], k1[16], k2[16];

	if (!l->relogin)
		ui_put_center(ui, by - 2, 0, w, _("Pawprint membership"),
		    ui_attr(ui, UA_TITLE));
	ui_box(ui, by, bx, bh, bw, l->relogin ? _("Log in again") :
	    _("Staff login"));
	ui_put(ui, by + 2, bx + 3, lw, _("Staff id"), l->focus == 0 ? A_BOLD : 0);
	text_draw(ui, &l->id, by + 2, bx + 3 + lw, bw - lw - 6,
	    l->focus == 0 ? ui_attr(ui, UA_FIELD_FOCUS) : ui_attr(ui, UA_FIELD),
	    l->focus == 0);
	ui_put(ui, by + 4, bx + 3, lw, _("Password"), l->focus == 1 ? A_BOLD : 0);
	text_draw(ui, &l->pw, by + 4, bx + 3 + lw, bw - lw - 6,
	    l->focus == 1 ? ui_attr(ui, UA_FIELD_FOCUS) : ui_attr(ui, UA_FIELD),
	    l->focus == 1);
	/* Three lines between the password and the hint: a long reason wraps. */
	ui_put_wrapped(ui, by + 6, bx + 3, bw - 6, 3, l->err,
	    ui_attr(ui, UA_ERROR));
	keys_name(ACT_QUIT, k1, sizeof k1);
	keys_name(ACT_HELP, k2, sizeof k2);
	snprintf(hint, sizeof hint, _("Enter: log in   %s: quit   %s: help"),
	    k1, k2);
	ui_put(ui, by + bh - 2, bx + 3, bw - 6, hint, ui_attr(ui, UA_DIM));
}

static void
login_submit(struct ui *ui, struct screen *s)
{
	struct login		*l = s->data;
	struct client_err	 err;
	json_t			*who;

	if (l->id.len == 0) {
		snprintf(l->err, sizeof l->err, "%s", _("Enter your staff id"));
		l->focus = 0;
		return;
	}
	if (l->pw.len == 0) {
		snprintf(l->err, sizeof l->err, "%s", _("Enter your password"));
		l->focus = 1;
		return;
	}
	ui_busy(ui, 1);
	who = client_login(ui->client, l->id.buf, l->pw.buf, &err);
	ui_busy(ui, 0);
	if (who == NULL) {
		if (err.code == ERR_DISCONNECTED)
			snprintf(l->err, sizeof l->err, "%s",
			    _("No connection to the server: retrying, try again shortly"));
		else
			snprintf(l->err, sizeof l->err, "%s", client_err_text(&err));
		text_set(&l->pw, "");
		l->focus = 1;
		return;
	}
	ui_logged_in(ui, who);
	json_decref(who);
	if (l->relogin) {
		ui_pop(ui);
		ui_msg(ui, 0, "%s", _("Logged in again: you can save now."));
	} else {
		ui_pop(ui);
		ui_home_push(ui);
	}
}

static int
login_key(struct ui *ui, struct screen *s, enum action a, wint_t ch, int fkey)
{
	struct login	*l = s->data;

	switch (a) {
	case ACT_OPEN:
		if (l->focus == 0 && l->pw.len == 0)
			l->focus = 1;
		else
			login_submit(ui, s);
		return 1;
	case ACT_NEXT:
	case ACT_PREV:
	case ACT_UP:
	case ACT_DOWN:
		l->focus = !l->focus;
		return 1;
	case ACT_QUIT:
		if (l->relogin) {
			ui->quit = 1;
			return 1;
		}
		return 0;
	case ACT_NONE:
		if (text_key(l->focus ? &l->pw : &l->id, ch, fkey) == 2)
			l->err[0] = '\0';
		return 1;
	default:
		return 0;
	}
}

static void
login_free(struct screen *s)
{
	sodium_memzero(s->data, sizeof(struct login));
	free(s->data);
}

static const struct screen_ops login_ops = {
	.draw = login_draw,
	.key = login_key,
	.free = login_free,
};

void
ui_login_push(struct ui *ui, const char *user, int relogin)
{
	struct login	*l = xcalloc(1, sizeof *l);
	struct screen	*s;

	l->pw.masked = 1;
	l->relogin = relogin;
	if (user != NULL && *user != '\0') {
		text_set(&l->id, user);
		l->focus = 1;
	}
	s = ui_screen_create(ui, &login_ops, MAP_LOGIN, l);
	s->typing = 1;
	s->modal = relogin;
	ui_push(ui, s);
}
