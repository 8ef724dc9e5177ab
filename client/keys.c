/*
 * The key table: every action once, with its keys and a translatable label
 * (calcurse keydef).  The bottom bar and the help screen are drawn from it,
 * so they never go out of date.
 *
 * Every action has a control-key alternative to its function key: a branch
 * terminal may be a vt100 or a serial console that never sends F5.
 * Printable keys (?, y, n) only act where no text field has focus, so the
 * help never names them on screens where typing goes to a field.
 */
#include <stdio.h>
#include <string.h>

#include "ui.h"

#define CTRL(c)		((c) & 0x1f)
#define ESC		27

/* Maps whose screens send printable keys to a text field. */
#define MAP_TYPING	(MAP_LOGIN | MAP_HOME | MAP_FORM | MAP_STAFF | \
			 MAP_DEVICE | MAP_PROMPT)

static const struct keydef keydefs[ACT__COUNT] = {
	[ACT_HELP] = { MAP_ALL & ~MAP_HELP, { KEY_F(1), CTRL('g'), '?' },
	    N_("Help"), 1 },
	[ACT_QUIT] = { MAP_HOME | MAP_LOGIN, { KEY_F(10), CTRL('q') },
	    N_("Quit"), 1 },
	[ACT_BACK] = { MAP_ALL & ~(MAP_HOME | MAP_LOGIN), { ESC, KEY_F(12) },
	    N_("Back"), 1 },
	[ACT_REDRAW] = { MAP_ALL, { CTRL('l') }, N_("Redraw the screen"), 0 },
	[ACT_UP] = { MAP_ALL & ~MAP_PROMPT, { KEY_UP }, N_("Previous"), 0 },
	[ACT_DOWN] = { MAP_ALL & ~MAP_PROMPT, { KEY_DOWN }, N_("Next"), 0 },
	[ACT_PGUP] = { MAP_HOME | MAP_MEMBER | MAP_STAFF | MAP_DEVICE |
	    MAP_HELP | MAP_FORM, { KEY_PPAGE }, N_("Page up"), 0 },
	[ACT_PGDN] = { MAP_HOME | MAP_MEMBER | MAP_STAFF | MAP_DEVICE |
	    MAP_HELP | MAP_FORM, { KEY_NPAGE }, N_("Page down"), 0 },
	[ACT_OPEN] = { MAP_ALL & ~(MAP_HELP | MAP_STAFF | MAP_DEVICE),
	    { '\n', '\r', KEY_ENTER }, N_("Open / confirm"), 0 },
	[ACT_NEXT] = { MAP_MEMBER | MAP_FORM | MAP_LOGIN | MAP_CONFIRM,
	    { '\t' }, N_("Next field or tab"), 0 },
	[ACT_PREV] = { MAP_MEMBER | MAP_FORM | MAP_LOGIN | MAP_CONFIRM,
	    { KEY_BTAB }, N_("Previous field or tab"), 0 },
	[ACT_SAVE] = { MAP_FORM, { KEY_F(2), CTRL('s') }, N_("Save"), 1 },
	[ACT_NEW] = { MAP_HOME | MAP_STAFF, { KEY_F(3), CTRL('n') },
	    N_("New"), 1 },
	[ACT_EDIT] = { MAP_MEMBER, { KEY_F(4), CTRL('e') }, N_("Edit"), 1 },
	[ACT_PET] = { MAP_MEMBER, { KEY_F(5), CTRL('p') }, N_("Add pet"), 1 },
	[ACT_FEEDBACK] = { MAP_MEMBER, { KEY_F(6), CTRL('f') },
	    N_("Feedback"), 1 },
	[ACT_STAFF] = { MAP_HOME, { KEY_F(7), CTRL('t') }, N_("Staff"), 1 },
	[ACT_DEVICES] = { MAP_HOME, { KEY_F(8), CTRL('d') }, N_("Devices"),
	    1 },
	[ACT_ARCHIVE] = { MAP_MEMBER, { KEY_F(9), CTRL('k') }, N_("Archive"),
	    1 },
	[ACT_DISABLE] = { MAP_STAFF, { KEY_F(9), CTRL('k') }, N_("Disable"),
	    1 },
	[ACT_PASSWORD] = { MAP_STAFF, { KEY_F(5), CTRL('p') },
	    N_("Set password"), 1 },
	[ACT_REVOKE] = { MAP_DEVICE, { KEY_F(9), CTRL('k') }, N_("Revoke"),
	    1 },
	[ACT_REFRESH] = { MAP_MEMBER | MAP_STAFF | MAP_DEVICE,
	    { KEY_F(11), CTRL('r') }, N_("Reload"), 0 },
	[ACT_LOGOUT] = { MAP_HOME, { CTRL('o') }, N_("Log out"), 0 },
	[ACT_YES] = { MAP_CONFIRM, { 'y', 'Y' }, N_("Yes"), 1 },
	[ACT_NO] = { MAP_CONFIRM, { 'n', 'N' }, N_("No"), 1 },
	[ACT_CLEAR] = { MAP_HOME | MAP_STAFF | MAP_DEVICE, { CTRL('u') },
	    N_("Clear the search or filter"), 0 },
};

/*
 * What terminals really send, whatever TERM says: xterm and its kin, vt220,
 * rxvt, the Linux console, and the application-mode variants.  Taught to
 * curses at start-up, so that with TERM=vt100 an F5 from an xterm is F5
 * and not Esc followed by "[15~" typed into a field.
 */
static const struct {
	const char	*seq;
	int		 key;
} sequences[] = {
	{ "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) },
	{ "\033OR", KEY_F(3) }, { "\033OS", KEY_F(4) },
	{ "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) },
	{ "\033[13~", KEY_F(3) }, { "\033[14~", KEY_F(4) },
	{ "\033[[A", KEY_F(1) }, { "\033[[B", KEY_F(2) },
	{ "\033[[C", KEY_F(3) }, { "\033[[D", KEY_F(4) },
	{ "\033[[E", KEY_F(5) },
	{ "\033[15~", KEY_F(5) }, { "\033[17~", KEY_F(6) },
	{ "\033[18~", KEY_F(7) }, { "\033[19~", KEY_F(8) },
	{ "\033[20~", KEY_F(9) }, { "\033[21~", KEY_F(10) },
	{ "\033[23~", KEY_F(11) }, { "\033[24~", KEY_F(12) },
	{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN },
	{ "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
	{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN },
	{ "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
	{ "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
	{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME },
	{ "\033[F", KEY_END }, { "\033OF", KEY_END },
	{ "\033[4~", KEY_END }, { "\033[8~", KEY_END },
	{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
	{ "\033[2~", KEY_IC }, { "\033[3~", KEY_DC },
	{ "\033[Z", KEY_BTAB },
};

/* Whether the key bar may name function keys (see keys_setup). */
static int	fkeys_trusted = 1;

void
keys_setup(int trust)
{
	const char	*kf;
	size_t		 i;

	/*
	 * Does TERM's own entry say F5 is what such terminals send?  A vt100
	 * entry names its keypad (ESC O t) there: no real F5 key.
	 */
	if (trust < 0) {
		kf = tigetstr("kf5");
		trust = 0;
		for (i = 0; kf != NULL && kf != (char *)-1 &&
		    i < sizeof sequences / sizeof sequences[0]; i++) {
			if (sequences[i].key == KEY_F(5) &&
			    strcmp(sequences[i].seq, kf) == 0)
				trust = 1;
		}
	}
	fkeys_trusted = trust;
	for (i = 0; i < sizeof sequences / sizeof sequences[0]; i++) {
		if (key_defined(sequences[i].seq) == 0)
			define_key(sequences[i].seq, sequences[i].key);
	}
}

int
keys_fkeys_trusted(void)
{
	return fkeys_trusted;
}

static int
key_printable(int key, int fkey)
{
	return !fkey && key >= ' ' && key != 127;
}

enum action
keys_lookup(unsigned map, int key, int fkey, int typing)
{
	int	a, i, k;

	if (!fkey && key == KEY_ENTER)	/* never a character */
		fkey = 1;
	if (typing && key_printable(key, fkey))
		return ACT_NONE;
	for (a = 1; a < ACT__COUNT; a++) {
		if (!(keydefs[a].maps & map))
			continue;
		for (i = 0; i < KEYS_MAX && (k = keydefs[a].keys[i]) != 0; i++) {
			/* Function keys are codes > 0xff; the rest characters. */
			if (k == key && (fkey == (k >= KEY_MIN) || k == '\n' ||
			    k == '\r'))
				return (enum action)a;
		}
	}
	return ACT_NONE;
}

const struct keydef *
keys_def(enum action a)
{
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return NULL;
	return &keydefs[a];
}

static void
key_label(int k, char *buf, size_t len)
{
	if (k >= KEY_F(1) && k <= KEY_F(12))
		snprintf(buf, len, "F%d", k - KEY_F(0));
	else if (k == ESC)
		snprintf(buf, len, "Esc");
	else if (k == '\t')
		snprintf(buf, len, "Tab");
	else if (k == KEY_BTAB)
		snprintf(buf, len, "S-Tab");
	else if (k == '\n' || k == '\r' || k == KEY_ENTER)
		snprintf(buf, len, "Enter");
	else if (k == KEY_UP)
		snprintf(buf, len, "Up");
	else if (k == KEY_DOWN)
		snprintf(buf, len, "Down");
	else if (k == KEY_PPAGE)
		snprintf(buf, len, "PgUp");
	else if (k == KEY_NPAGE)
		snprintf(buf, len, "PgDn");
	else if (k > 0 && k < 32)
		snprintf(buf, len, "^%c", k + '@');
	else
		snprintf(buf, len, "%c", k);
}

/*
 * The first key the terminal can send: a function key only while function
 * keys are trusted, else the control-key alternative.
 */
void
keys_name(enum action a, char *buf, size_t len)
{
	const struct keydef	*d = keys_def(a);
	int			 i, k;

	buf[0] = '\0';
	if (d == NULL)
		return;
	for (i = 0; i < KEYS_MAX && (k = d->keys[i]) != 0; i++) {
		if (k >= KEY_F(0) && k <= KEY_F(63) && !fkeys_trusted)
			continue;
		key_label(k, buf, len);
		return;
	}
	key_label(d->keys[0], buf, len);
}

void
keys_names(enum action a, unsigned map, char *buf, size_t len)
{
	const struct keydef	*d = keys_def(a);
	char			 one[16];
	size_t			 off = 0;
	int			 i;

	buf[0] = '\0';
	if (d == NULL)
		return;
	for (i = 0; i < KEYS_MAX && d->keys[i] != 0; i++) {
		if (d->keys[i] == '\r' || d->keys[i] == KEY_ENTER)
			continue;
		if ((map & MAP_TYPING) && d->keys[i] >= ' ' &&
		    d->keys[i] < 127)	/* a character: text there */
			continue;
		key_label(d->keys[i], one, sizeof one);
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
		    "%s%s", off ? ", " : "", one);
		if (off >= len)
			break;
	}
}
