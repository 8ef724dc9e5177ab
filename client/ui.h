/*
 * The terminal UI's internal types: the key table, the screen stack and the
 * shared widgets (text field, form, list box, confirm, prompt).  paw.h stays
 * the program's header; this one is only for ui*.c and keys.c.
 *
 * Everything is drawn on stdscr from scratch when something changed (the
 * screen stack from the bottom-most visible screen up, then the status line,
 * the message line and the key bar); curses sends only the difference.
 */
#ifndef UI_H
#define UI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <wchar.h>

#include "paw.h"

/* ---- keys.c: actions and the key table ---- */
enum action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_QUIT,
	ACT_BACK,
	ACT_REDRAW,
	ACT_UP,
	ACT_DOWN,
	ACT_PGUP,
	ACT_PGDN,
	ACT_OPEN,
	ACT_NEXT,
	ACT_PREV,
	ACT_SAVE,
	ACT_NEW,
	ACT_EDIT,
	ACT_PET,
	ACT_FEEDBACK,
	ACT_ARCHIVE,
	ACT_STAFF,
	ACT_DEVICES,
	ACT_DISABLE,
	ACT_PASSWORD,
	ACT_REVOKE,
	ACT_REFRESH,
	ACT_LOGOUT,
	ACT_YES,
	ACT_NO,
	ACT_CLEAR,
	ACT__COUNT
};

/* Key maps: which actions a screen offers. */
#define MAP_LOGIN	0x01
#define MAP_HOME	0x02
#define MAP_MEMBER	0x04
#define MAP_FORM	0x08
#define MAP_STAFF	0x10
#define MAP_DEVICE	0x20
#define MAP_CONFIRM	0x40
#define MAP_HELP	0x80
#define MAP_PROMPT	0x100
#define MAP_ALL		0x1ff

#define KEYS_MAX	3
struct keydef {
	unsigned	 maps;		/* MAP_* where the action applies */
	int		 keys[KEYS_MAX];	/* curses key codes or characters */
	const char	*label;		/* N_(), translated when drawn */
	int		 bar;		/* shown in the bottom bar */
};

/* Action for a key in a map; typing: printable keys are text, not actions. */
/*
 * Teach curses the function and cursor key sequences of the common
 * terminals, whatever TERM says.  trust: whether the key bar names
 * function keys (1), or their Ctrl alternatives (0); -1: if TERM's
 * terminfo entry has F10.
 */
void		 keys_setup(int trust);
int		 keys_fkeys_trusted(void);
enum action	 keys_lookup(unsigned map, int key, int fkey, int typing);
const struct keydef *keys_def(enum action);
/* Short name of an action's first usable key ("F2", "^S", "Esc"). */
void		 keys_name(enum action, char *, size_t);
/* All names of an action's keys in a map ("F2, ^S"; no "?" where typing). */
void		 keys_names(enum action, unsigned map, char *, size_t);

/* ---- ui.c: the UI, the screen stack, drawing helpers ---- */
struct ui;
struct screen;

struct screen_ops {
	/* Draw in rows [y, y + h) of width w. */
	void	(*draw)(struct ui *, struct screen *, int y, int h, int w);
	/* An action (or ACT_NONE with the raw key). 1 if handled. */
	int	(*key)(struct ui *, struct screen *, enum action, wint_t ch,
		    int fkey);
	void	(*free)(struct screen *);
	/* The connection changed state (optional). */
	void	(*state)(struct ui *, struct screen *, int state);
	/* On top again after the screen above closed (optional). */
	void	(*resume)(struct ui *, struct screen *);
};

struct screen {
	const struct screen_ops	*ops;
	struct ui		*ui;
	unsigned		 map;	/* MAP_* */
	int			 modal;	/* drawn over the screen below */
	int			 typing; /* printable keys go to a text field */
	void			*data;
	struct screen		*below;
};

/* Colour/attribute roles (colour pairs when available, else A_*). */
enum ui_attr {
	UA_NORMAL = 0,
	UA_STATUS,
	UA_BAR_KEY,
	UA_BAR_LABEL,
	UA_TITLE,
	UA_SELECTED,
	UA_ERROR,
	UA_OK,
	UA_FIELD,
	UA_FIELD_FOCUS,
	UA_DIM,
	UA_HEADER,
	UA_TAB,
	UA_TAB_ACTIVE,
	UA_MODAL,
	UA__COUNT
};

struct ui {
	struct loop		*loop;
	struct client		*client;
	struct paw_conf		*conf;
	int			 state;		/* CLIENT_* */
	int			 logged_in;
	char			 staff[64];
	char			 staff_name[128];
	char			 role[32];
	char			 branch[32];	/* the staff member's branch */
	char			 device_branch[32];
	json_t			*methods;	/* names the server offers */
	json_t			*decls;		/* name: its system.methods entry */
	struct screen		*top;
	int			 dirty;
	int			 quit;
	int			 busy;		/* a blocking call runs */
	int			 relogin;	/* push the login when not busy */
	const char		*busy_text;
	int			 pending;	/* async calls in flight */
	uint64_t		 spin_timer;
	unsigned		 spin;
	char			 msg[512];
	int			 msg_err;
	int			 msg_conn;	/* msg is news of the connection */
	int			 down;		/* a final DOWN_*: said on every screen */
	int			 alert;		/* show its box when not busy */
	int			 colors;
	int			 attrs[UA__COUNT];
	int			 cur_y, cur_x;	/* cursor, -1: hidden */
	FILE			*trace;		/* PAW_TRACE: timed events */
};

void	 ui_push(struct ui *, struct screen *);
/* Pop and free the top screen. */
void	 ui_pop(struct ui *);
/* Take a screen out of the stack wherever it is, and free it. */
void	 ui_remove(struct ui *, struct screen *);
struct screen *ui_screen_create(struct ui *, const struct screen_ops *,
	    unsigned map, void *data);
void	 ui_dirty(struct ui *);
/* Show a message on the message line (err: in the error style). */
void	 ui_msg(struct ui *, int err, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Around a blocking call: show "working…", stop reading keys (they wait). */
void	 ui_busy(struct ui *, int on);
/* Call and wait, showing "working…"; keys typed meanwhile wait. */
json_t	*ui_call(struct ui *, const char *method, json_t *params,
	    struct client_err *);
/* Async call counted for the spinner; returns the call id. */
uint32_t ui_call_async(struct ui *, const char *method, json_t *params,
	    client_cb *, void *);
/* Note that an async call finished (call from its callback). */
void	 ui_call_done(struct ui *);
int	 ui_has_method(struct ui *, const char *prefix);
int	 ui_is_manager(struct ui *);
/* The login screen was passed: whoami in, home screen on. */
void	 ui_logged_in(struct ui *, json_t *whoami);
int	 ui_attr(struct ui *, enum ui_attr);
/* With PAW_TRACE=FILE, append "SECONDS.MICROS EVENT" (wall clock). */
void	 ui_trace(struct ui *, const char *event);

/* Text at (y, x) in exactly w columns: truncated by display width, padded. */
void	 ui_put(struct ui *, int y, int x, int w, const char *, int attr);
/* Same, right-aligned. */
void	 ui_put_right(struct ui *, int y, int x, int w, const char *, int attr);
/* Text centred in w columns starting at x. */
void	 ui_put_center(struct ui *, int y, int x, int w, const char *, int attr);
/* A box with a title. */
void	 ui_box(struct ui *, int y, int x, int h, int w, const char *title);
void	 ui_show_cursor(struct ui *, int y, int x);

/* Helpers over JSON results. */
const char *jstr(json_t *, const char *key);	/* "" if absent */
long long jint(json_t *, const char *key);
int	 jbool(json_t *, const char *key);
/* "YYYY-MM-DD" of an epoch (business time zone: the process TZ). */
void	 ui_date(long long epoch, char *, size_t);

/* ---- ui-widgets.c ---- */
#define TEXT_MAX	2048	/* bytes: 500 Chinese characters fit */
struct ui_text {
	char	buf[TEXT_MAX];
	size_t	len;
	size_t	pos;		/* byte offset of the cursor */
	int	masked;
};
void	 text_set(struct ui_text *, const char *);
/* Edit with a raw key; 1 if the key was used, 2 if the text changed. */
int	 text_key(struct ui_text *, wint_t ch, int fkey);
/* Draw in w columns, scrolled to keep the cursor visible. */
void	 text_draw(struct ui *, struct ui_text *, int y, int x, int w, int attr,
	    int focused);

enum field_type {
	FT_TEXT,
	FT_PHONE,
	FT_DATE,
	FT_CHOICE,
	FT_BOOL,
	FT_NUMBER,
	FT_LIST,	/* comma-separated, sent as an array */
	FT_PASSWORD,
};
struct choice {
	const char	*value;		/* wire value */
	const char	*label;		/* N_() */
};
struct field_def {
	const char		*name;	/* param name: server errors land here */
	const char		*label;	/* N_() */
	enum field_type		 type;
	int			 required;
	const struct choice	*choices;	/* FT_CHOICE: ends with {NULL} */
	const char		*hint;	/* N_(), shown after the field */
	int			 max;	/* characters (text) or value (number) */
	int			 min;	/* FT_NUMBER: the least value */
	const char		*range;	/* N_(), FT_NUMBER out of [min, max] */
};
/*
 * What the server declares of a field (system.methods): its limits are the
 * server's, so a form refuses exactly what the server would.
 */
struct field_limits {
	int	set;
	long	min, max;		/* characters, or a number's range */
	char	pattern[160];		/* ERE, "" for none */
	char	ignore[8];		/* dropped before the pattern */
	char	dmin[11], dmax[11];	/* a date's range */
};
struct field {
	const struct field_def	*def;
	struct field_limits	 lim;
	struct ui_text		 text;
	int			 choice;	/* FT_CHOICE index, FT_BOOL 0/1 */
	char			 orig[TEXT_MAX]; /* value as loaded */
	char			 err[256];
	int			 hidden;
};
struct form;
typedef json_t	*form_params_cb(struct form *, void *arg);
typedef void	 form_done_cb(struct ui *, json_t *result, void *arg);
struct form {
	char		 title[256];
	struct field	*fields;
	int		 n;
	int		 focus;
	int		 top;
	int		 saving;
	int		 dirty;		/* typed into since opened */
	uint32_t	 call;
	const char	*method;
	form_params_cb	*params;
	form_done_cb	*done;
	void		*arg;
	void		*owned;		/* freed with the form */
	struct screen	*screen;
};

struct form	*form_create(const char *title, const struct field_def *, int n);
void		 form_free(struct form *);
struct field	*form_field(struct form *, const char *name);
void		 form_set(struct form *, const char *name, const char *value);
/* Take the limits of the fields from a method's system.methods entry. */
void		 form_limits(struct form *, json_t *method);
/* Fill the fields from a JSON map and remember the values as loaded. */
void		 form_load(struct form *, json_t *);
/* A field's value as text (choices: the wire value, bools "1"/"0"). */
const char	*form_value(struct form *, const char *name);
/* Check every field; 0, or -1 with errors set and focus on the first. */
int		 form_validate(struct form *);
/* Params for the fields (only changed ones when only_changed). */
json_t		*form_json(struct form *, int only_changed);
/* Put a server error at its field; 1 if it had a field of this form. */
int		 form_server_error(struct form *, const struct client_err *);
/*
 * Push a screen editing form: F2 validates, builds params with params_cb,
 * calls method, and on success pops and calls done.  Takes the form.
 */
void		 form_screen_push(struct ui *, struct form *, const char *method,
		    form_params_cb *, form_done_cb *, void *arg);
/* The translated label of a choice value (the value itself if unknown). */
const char	*choice_label(const struct choice *, const char *value);
/* Check helpers, also used by screens. */
int		 valid_phone(const char *);
int		 valid_date(const char *);
int		 all_digits(const char *);

struct column {
	const char	*title;		/* N_() */
	int		 width;		/* columns, 0: share what is left */
	int		 right;		/* right-aligned */
	int		 grow;		/* share of the width left over */
};
/* Draw item i (an index into the screen's items, whatever the filter). */
typedef void	 listbox_row_cb(struct ui *, void *arg, int i, int y, int x,
		    const int *widths, int attr);
/* Set the texts of item i the filter looks in; how many. */
#define LISTBOX_TEXTS	8
typedef int	 listbox_text_cb(void *arg, int i,
		    const char *texts[LISTBOX_TEXTS]);
/* Fetch the items from n on; answer with listbox_page_done. */
typedef void	 listbox_more_cb(void *arg, int n);
struct listbox {
	const struct column	*cols;
	int			 ncols;
	int			 widths[12];
	int			 n;
	int			 sel;
	int			 top;
	int			 page;	/* rows shown at the last draw */
	listbox_row_cb		*row;
	void			*arg;
	const char		*empty;	/* translated text when n == 0 */
	int			 show_sel;
	/* Paging: total items exist, n are here; more fetches the rest. */
	listbox_more_cb		*more;
	int			 total;	/* 0: n */
	int			 total_capped;	/* at least total */
	int			 more_rows;	/* the next page can be asked for */
	int			 fetching;
	int			 want;	/* selection asked past the rows */
	/* Filter: typed text keeps the items whose texts hold every word. */
	listbox_text_cb		*text;
	struct ui_text		 filter;
	int			*rows;	/* shown items, by row */
	int			 nitems;
};
void	 listbox_draw(struct ui *, struct listbox *, int y, int x, int h, int w);
/* Move the selection; 1 if the action was a movement. */
int	 listbox_key(struct listbox *, enum action);
/* n items (shown through the filter when there is one). */
void	 listbox_set_count(struct listbox *, int n);
/* The item of the selected row, -1 if none. */
int	 listbox_item(const struct listbox *);
/* A page of items came: n in all now, more_rows if there may be more. */
void	 listbox_page_done(struct listbox *, int n, int more_rows);
/* Edit the filter with a raw key (text_key's answer); 2 if it changed. */
int	 listbox_filter_key(struct listbox *, wint_t ch, int fkey);
void	 listbox_filter_clear(struct listbox *);
/* A filtering list's share of a screen's keys: ^U clears, text edits. */
int	 listbox_filter_action(struct listbox *, enum action, wint_t, int fkey);
/* The filter field, with hint while empty, else "n of m". */
void	 listbox_filter_draw(struct ui *, struct listbox *, int y, int x,
	    int w, const char *hint, int focused);
/* Free what the list box holds (screens embed the struct itself). */
void	 listbox_release(struct listbox *);
/* Draw one cell of a row at the column's offset. */
void	 listbox_cell(struct ui *, struct listbox *, int y, int x, int col,
	    const char *, int attr);

/*
 * Text wrapped in w columns on at most max lines (the last cut with an
 * ellipsis if it still does not fit); the lines drawn.
 */
int	 ui_put_wrapped(struct ui *, int y, int x, int w, int max, const char *,
	    int attr);
/* Lines ui_put_wrapped takes. */
int	 ui_wrap_rows(const char *, int w, int max);

typedef void	 confirm_cb(struct ui *, void *arg);
/* A modal yes/no question; yes runs cb. */
void	 ui_confirm(struct ui *, const char *question, confirm_cb *, void *arg);
typedef void	 prompt_cb(struct ui *, const char *text, void *arg);
/* A modal one-line input; Enter runs cb with the text. */
void	 ui_prompt(struct ui *, const char *title, const char *label,
	    int masked, prompt_cb *, void *arg);
/* The help screen for a map, from the key table. */
void	 ui_help(struct ui *, unsigned map);

/* ---- screens ---- */
void	 ui_login_push(struct ui *, const char *user, int relogin);
void	 ui_home_push(struct ui *);
/* Open a member by id, or by card number when card is not NULL. */
void	 ui_member_open(struct ui *, long long id);
void	 ui_member_new(struct ui *, const char *name_or_phone);
void	 ui_pet_form(struct ui *, long long member_id, json_t *pet,
	    form_done_cb *, void *arg);
/* Translated label of a pet's species or sex value. */
const char *ui_pet_label(const char *field, const char *value);
void	 ui_staff_push(struct ui *);
void	 ui_device_push(struct ui *);

#endif
